// libFuzzer target for whole SMTP sessions: bytes from a client, driven through SMTPSessionStateMachine with a
// fake policy whose answers (and the timing of TLS, timeouts and disconnects) also come from the input.
// Build and run: scripts/fuzz.sh session SECONDS.
//
// Input layout: byte 0 picks the listener configuration, byte 1 seeds the answer generator; the rest is split
// into writes by a control byte in front of each: its low 5 bits give the write's length, its top bits may
// inject an event (TLS established, idle timeout, disconnect) before the write.
//
// Invariants beyond "never traps":
// - every reply is well formed and has no CR or LF inside its text (no reply injection);
// - message data handed to the queue never holds CR or NUL, so bare line ends cannot reach storage
//   (the smuggling defence), and a committed message starts with its Received header and ends with LF;
// - `.startTLS` follows the 220 reply at once; `.close` is the last action and nothing follows a close;
// - a question is out exactly when the machine says it waits, and is answered with the right kind.

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

private struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func pick(_ count: Int) -> Int { Int(next() % UInt64(count)) }
}

private struct Driver {
    var machine: SMTPSessionStateMachine
    var generator: Generator
    var pendingData: [UInt8] = []
    var inTransaction = false
    var closed = false
    var awaitingTLS = false
    /// The peer went away: the machine is closed without a `.close` action.
    var disconnected = false

    mutating func disconnect() {
        disconnected = true
        let actions = machine.connectionClosed()
        check(actions.allSatisfy { if case .abortTransaction = $0 { return true } else { return false } },
            "disconnect gave \(actions)")
        check(machine.isClosed, "still open after disconnect")
        closed = true
    }

    mutating func run(_ actions: [SMTPSessionAction]) {
        var queue = actions
        var previous: SMTPSessionAction?
        while !queue.isEmpty {
            let action = queue.removeFirst()
            check(!closed, "action after close: \(action)")
            switch action {
            case .send(let reply):
                let wire = reply.encoded
                var lineStart = 0
                for index in wire.indices where wire[index] == 0x0A {
                    check(index > 0 && wire[index - 1] == 0x0D, "bare LF in a reply")
                    check(!wire[lineStart..<index - 1].contains(0x0D), "CR inside a reply line")
                    lineStart = index + 1
                }
                check(lineStart == wire.count, "reply does not end with CRLF")
            case .ask(let request):
                check(machine.isWaitingForPolicy, "asked without waiting")
                queue += machine.answer(answer(request))
            case .startTLS:
                check(previous == .send(Replies.readyToStartTLS), "startTLS without its 220")
                awaitingTLS = true
            case .appendMessage(let data):
                check(!data.contains(0x0D) && !data.contains(0), "CR or NUL reached the queue")
                pendingData += data
            case .abortTransaction:
                pendingData = []
            case .discardedInput(let count, _):
                check(count > 0, "empty discard")
            case .armIdleTimer:
                break
            case .close:
                check(queue.isEmpty, "actions after close")
                closed = true
            case .event(let event):
                if case .failedCommand(let command, let reply) = event {
                    check(reply.code >= 400, "a failed command with reply \(reply.code)")
                    check(!command.contains("\r") && !command.contains("\n"), "line break in a logged command")
                    // AUTH keeps its mechanism or its stage name, never what the client sent with it.
                    let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" })
                    if words.first?.uppercased() == "AUTH" {
                        check(words.count <= 3, "AUTH arguments logged: \(command)")
                    }
                }
                continue
            }
            previous = action
        }
        check(closed == machine.isClosed || disconnected, "close action and state disagree")
    }

    mutating func answer(_ request: SessionPolicyRequest) -> SessionPolicyAnswer {
        let roll = generator.pick(16)
        switch request {
        case .connect:
            switch roll {
            case 0: return .connect(.reject(SMTPReply(554, nil, "no")))
            case 1: return .connect(.accept(serverName: "alt"))
            case 2...8: return .connect(.acceptThenIdentify(serverName: roll == 2 ? "alt" : nil))
            default: return .connect(.accept())
            }
        case .identifyClient:
            return .identifyClient(reverseName: roll < 8 ? "client.example" : nil)
        case .authenticate(let credentials):
            check(!credentials.description.contains("password: ") || credentials.description.hasSuffix("********)"),
                "credentials description")
            return .authenticate(roll == 0 ? .temporaryFailure : roll < 8 ? .failure : .success)
        case .mailFrom:
            switch roll {
            case 0: return .mailFrom(.temporaryFailure)
            case 1: return .mailFrom(.senderRejected)
            case 2: return .mailFrom(.reject(SMTPReply(550, EnhancedStatusCode(5, 7, 1), "nope")))
            default:
                pendingData = []
                return .mailFrom(.accept(messageID: String(generator.next(), radix: 16)))
            }
        case .rcptTo(let mailbox, _):
            check(mailbox.domain != nil, "unqualified recipient reached the policy")
            switch roll {
            case 0: return .rcptTo(.reject(.invalidRecipient))
            case 1: return .rcptTo(.reject(.temporaryFailure))
            case 2: return .rcptTo(.reject(.expansionFailed(permanent: roll % 2 == 0)))
            case 3: return .rcptTo(.reject(.custom(SMTPReply(421, nil, "bye"))))
            default: return .rcptTo(.accept)
            }
        case .openMessage:
            check(machine.transaction != nil, "open outside a transaction")
            if roll == 0 { return .openMessage(.failed) }
            let stamp = MessageTimestamp(year: 2026, month: 1, day: 5, weekday: 1, hour: 9, minute: 3, second: 7,
                utcOffsetSeconds: 0, zoneName: "UTC")
            return .openMessage(.opened(timestamp: stamp, uniqueToken: generator.next()))
        case .commitMessage:
            check(pendingData.starts(with: Array("Received: ".utf8)), "message without its Received header")
            check(pendingData.last == 0x0A, "message does not end with LF")
            pendingData = []
            return .commitMessage(roll == 0 ? .failed(nil) : roll == 1 ? .failed(SMTPReply(554, nil, "no")) : .accepted)
        }
    }
}

private let configurations: [SMTPSessionConfiguration] = {
    var result: [SMTPSessionConfiguration] = []
    for flags in 0..<32 {
        var configuration = SMTPSessionConfiguration(serverName: "mx.example.org")
        configuration.startTLS = [.unavailable, .offered, .required][flags % 3]
        configuration.authentication = [.unavailable, .optional, .required][(flags / 3) % 3]
        configuration.dsn = flags & 4 == 0
        configuration.receivedAuth = flags & 8 != 0
        configuration.maskSource = flags & 16 != 0
        configuration.addsMissingHeaders = flags & 1 != 0
        configuration.maximumMessageSize = flags & 2 == 0 ? 4096 : 64
        configuration.maximumRecipients = 3
        configuration.maximumMessagesPerSession = 4
        configuration.maximumErrors = flags & 8 == 0 ? 20 : nil
        configuration.maximumCommandLineLength = flags & 16 == 0 ? 2047 : 40
        configuration.maximumTextLineLength = flags & 16 == 0 ? 65533 : 60
        result.append(configuration)
    }
    return result
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let configuration = configurations[Int(bytes[0]) % configurations.count]
    let smtps = bytes[0] >= 0xE0
    let local = bytes[0] & 0x20 != 0 && !smtps
    var implicit = configuration
    implicit.implicitTLS = smtps
    let client = SMTPClientInfo(address: local ? "local" : "192.0.2.1", reverseName: local ? "localhost" : nil,
        isLocalEnqueue: local)
    var driver = Driver(
        machine: SMTPSessionStateMachine(configuration: implicit, client: client,
            tls: smtps ? TLSInfo(version: "TLSv1.3") : nil),
        generator: Generator(state: UInt64(bytes[1]) &+ 1))
    driver.run(driver.machine.start())

    var index = 2
    while index < bytes.count, !driver.closed {
        let control = bytes[index]
        index += 1
        switch control >> 5 {
        case 5:
            if driver.awaitingTLS {
                driver.awaitingTLS = false
                driver.run(driver.machine.tlsEstablished(TLSInfo(version: "TLSv1.3", cipher: "X", cipherBits: 256)))
            }
        case 6:
            driver.run(driver.machine.idleTimeout())
        case 7 where control & 0x1F == 0x1F:
            driver.disconnect()
            check(driver.machine.receive([0x41]).isEmpty, "input after disconnect")
            return 0
        default:
            break
        }
        let length = Int(control & 0x1F) + 1
        let end = min(bytes.count, index + length)
        driver.run(driver.machine.receive(bytes[index..<end]))
        index = end
    }
    if !driver.closed { driver.disconnect() }
    return 0
}
