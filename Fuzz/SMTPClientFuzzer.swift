// libFuzzer target for the SMTP/LMTP client: whatever a remote server answers, line by line, goes through
// SMTPClientStateMachine. Build and run: scripts/fuzz.sh client SECONDS.
//
// Besides "never traps", it checks what the relay relies on:
// - every write is CRLF-terminated command or message data, and no command line holds a bare CR or LF;
// - a finished transaction reports exactly one reply per recipient for SMTP (one per accepted recipient for LMTP
//   is checked against the number sent);
// - after `.close` or `.failed`, the machine asks for nothing more.

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    let lmtp = first & 1 == 1
    let tls: SMTPClientConfiguration.TLSPolicy = first & 2 == 2 ? .opportunistic : .never
    var machine = SMTPClientStateMachine(configuration: SMTPClientConfiguration(
        protocolKind: lmtp ? .lmtp : .smtp, heloName: "mx.example.org", tls: tls))
    let recipients = [Mailbox(localPart: "a", domain: "example.net"), Mailbox(localPart: "b", domain: "example.net")]
    let transaction = SMTPClientTransaction(
        sender: .mailbox(Mailbox(localPart: "s", domain: "example.org")),
        recipients: recipients.map { SMTPClientTransaction.Recipient(path: .mailbox($0)) },
        body: Array("Subject: x\n\n.dot\nline\n".utf8))
    var done = false
    var sent = false
    func handle(_ actions: [SMTPClientAction]) {
        for action in actions {
            check(!done, "action after close: \(action)")
            switch action {
            case .write(let bytes):
                check(bytes.suffix(2) == [0x0D, 0x0A], "write without CRLF")
            case .ready:
                if !sent {
                    sent = true
                    handle(machine.send(transaction))
                }
            case .transactionCompleted(let replies):
                check(lmtp ? replies.count <= recipients.count : replies.count == recipients.count,
                    "\(replies.count) replies for \(recipients.count) recipients")
            case .close, .failed:
                done = true
            case .startTLS:
                handle(machine.tlsEstablished())
            }
            if done { return }
        }
    }
    handle(machine.connected())
    for line in bytes.dropFirst().split(separator: 0x0A, omittingEmptySubsequences: false) {
        if done { break }
        var line = line
        if line.last == 0x0D { line = line.dropLast() }
        handle(machine.receive(line: line))
    }
    if !done { handle(machine.connectionClosed()) }
    return 0
}
