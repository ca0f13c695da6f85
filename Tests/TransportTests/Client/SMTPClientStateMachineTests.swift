import Testing
@testable import Transport

/// Drives the client state machine through transcripts: the server's lines in, the client's bytes out.
@Suite("SMTP client state machine")
struct SMTPClientStateMachineTests {
    /// A machine plus everything it wrote, so a test reads like a transcript.
    struct Transcript {
        var machine: SMTPClientStateMachine
        var written = ""
        var events: [SMTPClientAction] = []

        init(_ configuration: SMTPClientConfiguration) {
            machine = SMTPClientStateMachine(configuration: configuration)
            take(machine.connected())
        }

        mutating func take(_ actions: [SMTPClientAction]) {
            for action in actions {
                if case .write(let bytes) = action {
                    written += String(decoding: bytes, as: UTF8.self)
                } else {
                    events.append(action)
                }
            }
        }

        /// Feeds server lines (CRLF-separated) and returns what the client wrote in answer.
        @discardableResult
        mutating func server(_ text: String) -> String {
            written = ""
            for line in text.split(separator: "\r\n") { take(machine.receive(line: Array(line.utf8))) }
            return written
        }

        mutating func send(_ transaction: SMTPClientTransaction) -> String {
            written = ""
            take(machine.send(transaction))
            return written
        }

        var lastResults: [SMTPReply]? {
            for event in events.reversed() { if case .transactionCompleted(let r) = event { return r } }
            return nil
        }
    }

    static func mailbox(_ text: String) -> MailPath {
        let parts = text.split(separator: "@")
        return .mailbox(Mailbox(localPart: String(parts[0]), domain: String(parts[1])))
    }

    static func transaction(_ recipients: [String], body: String = "Subject: x\n\n.hi\nbye\n") -> SMTPClientTransaction {
        SMTPClientTransaction(
            sender: mailbox("alice@example.org"), parameters: MailParameters(body: .eightBitMIME),
            recipients: recipients.map { .init(path: mailbox($0), parameters: RecipientParameters(notify: .failure)) },
            body: Array(body.utf8))
    }

    @Test func plainSessionWithoutPipelining() {
        var t = Transcript(SMTPClientConfiguration(heloName: "tern.example", tls: .opportunistic))
        #expect(t.server("220 mx ESMTP") == "EHLO tern.example\r\n")
        #expect(t.server("250-mx hello\r\n250-8BITMIME\r\n250 SIZE 1000") == "")
        #expect(t.events.last == .ready(t.machine.capabilities))
        #expect(t.send(Self.transaction(["bob@example.net", "carol@example.net"]))
            == "MAIL FROM:<alice@example.org> SIZE=20 BODY=8BITMIME\r\n")
        #expect(t.server("250 ok") == "RCPT TO:<bob@example.net>\r\n")
        #expect(t.server("550 5.1.1 no such user") == "RCPT TO:<carol@example.net>\r\n")
        #expect(t.server("250 ok") == "DATA\r\n")
        #expect(t.server("354 go") == "Subject: x\r\n\r\n..hi\r\nbye\r\n.\r\n")
        #expect(t.server("250 2.0.0 queued") == "")
        #expect(t.lastResults?.map(\.code) == [550, 250])
        #expect(t.machine.isIdle)
        #expect(t.machine.quit() == [.write(Array("QUIT\r\n".utf8))])
        #expect(t.machine.receive(line: Array("221 bye".utf8)) == [.close])
    }

    @Test func pipeliningSendsOneGroupAndDSNOnlyWhenOffered() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .never))
        t.server("220 mx")
        t.server("250-mx\r\n250-PIPELINING\r\n250 DSN")
        #expect(t.send(Self.transaction(["bob@example.net", "carol@example.net"])) ==
            "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net> NOTIFY=FAILURE\r\n"
            + "RCPT TO:<carol@example.net> NOTIFY=FAILURE\r\nDATA\r\n")
        #expect(t.server("250 ok\r\n450 4.2.0 busy\r\n250 ok") == "")
        #expect(t.server("354 go").hasSuffix("\r\n.\r\n"))
        t.server("250 queued")
        #expect(t.lastResults?.map(\.code) == [450, 250])
    }

    @Test func pipelinedWithEveryRecipientRefusedEndsEmptyDataAndResets() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .never))
        t.server("220 mx")
        t.server("250-mx\r\n250 PIPELINING")
        _ = t.send(Self.transaction(["bob@example.net"]))
        #expect(t.server("250 ok\r\n550 no\r\n354 go") == ".\r\n")
        #expect(t.server("554 no valid recipients") == "RSET\r\n")
        #expect(t.lastResults == nil)
        t.server("250 reset")
        #expect(t.lastResults?.map(\.code) == [550])
        #expect(t.machine.isIdle)
    }

    @Test func mailRefusedGivesEveryRecipientTheMailReply() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .never))
        t.server("220 mx\r\n250 mx")
        _ = t.send(Self.transaction(["bob@example.net", "carol@example.net"]))
        #expect(t.server("553 5.1.8 sender refused") == "RSET\r\n")
        t.server("250 ok")
        #expect(t.lastResults?.map(\.description) == ["553 5.1.8 sender refused", "553 5.1.8 sender refused"])
    }

    @Test func lmtpReadsOneReplyPerAcceptedRecipient() {
        var t = Transcript(SMTPClientConfiguration(protocolKind: .lmtp, heloName: "h", tls: .never))
        #expect(t.server("220 lmtp") == "LHLO h\r\n")
        t.server("250-lmtp\r\n250 PIPELINING")
        _ = t.send(Self.transaction(["a@x.org", "b@x.org", "c@x.org"]))
        t.server("250 ok\r\n250 ok\r\n550 unknown\r\n250 ok\r\n354 go")
        t.server("250 2.0.0 a saved")
        #expect(t.lastResults == nil)
        t.server("452 4.2.2 c over quota")
        #expect(t.lastResults?.map(\.code) == [250, 550, 452])
    }

    @Test func startTLSThenAuthPlain() {
        let credentials = SMTPClientCredentials(username: "u", password: "p")
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .required, credentials: credentials))
        t.server("220 mx")
        #expect(t.server("250-mx\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN") == "STARTTLS\r\n")
        t.server("220 go ahead")
        #expect(t.events.last == .startTLS)
        t.take(t.machine.tlsEstablished())
        #expect(t.written.hasSuffix("EHLO h\r\n"))
        // base64("\0u\0p") = AHUAcA==
        #expect(t.server("250-mx\r\n250 AUTH PLAIN LOGIN") == "AUTH PLAIN AHUAcA==\r\n")
        t.server("235 ok")
        #expect(t.events.last == .ready(t.machine.capabilities))
    }

    @Test func authLogin() {
        let credentials = SMTPClientCredentials(username: "u", password: "p")
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .implicit, credentials: credentials))
        t.server("220 mx")
        #expect(t.server("250-mx\r\n250 AUTH=LOGIN") == "AUTH LOGIN\r\n")
        #expect(t.server("334 VXNlcm5hbWU6") == "dQ==\r\n")
        #expect(t.server("334 UGFzc3dvcmQ6") == "cA==\r\n")
        t.server("235 ok")
        #expect(t.events.last == .ready(t.machine.capabilities))
    }

    @Test func requiredTLSNotOfferedFails() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .required))
        t.server("220 mx\r\n250 mx")
        guard case .failed(let failure)? = t.events.last else { Issue.record("no failure"); return }
        #expect(failure.text == "TLS required but not offered by the server")
    }

    @Test func authWithoutTLSNeverSendsCredentials() {
        let credentials = SMTPClientCredentials(username: "u", password: "p")
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .opportunistic, credentials: credentials))
        t.server("220 mx")
        #expect(t.server("250-mx\r\n250 AUTH PLAIN") == "")
        guard case .failed(let failure)? = t.events.last else { Issue.record("no failure"); return }
        #expect(failure.stage == .authentication)
    }

    @Test func ehloRefusedFallsBackToHelo() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .opportunistic))
        t.server("220 old")
        #expect(t.server("502 what?") == "HELO h\r\n")
        t.server("250 old")
        #expect(t.events.last == .ready(SMTPServerCapabilities()))
    }

    @Test func greetingRefusedIsPermanentSessionFailure() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h"))
        t.server("554 go away")
        guard case .failed(let failure)? = t.events.last else { Issue.record("no failure"); return }
        #expect(failure.isPermanent && failure.stage == .session)
    }

    @Test func connectionLostMidTransactionIsTemporaryForOpenRecipients() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .never))
        t.server("220 mx\r\n250 mx")
        _ = t.send(Self.transaction(["a@x.org", "b@x.org"]))
        t.server("250 ok\r\n550 no")
        t.take(t.machine.connectionClosed())
        #expect(t.lastResults?.map(\.code) == [550, 421])
        guard case .failed? = t.events.last else { Issue.record("no failure"); return }
    }

    @Test func oversizedMessageIsRefusedWithoutSending() {
        var t = Transcript(SMTPClientConfiguration(heloName: "h", tls: .never))
        t.server("220 mx\r\n250-mx\r\n250 SIZE 10")
        #expect(t.send(Self.transaction(["a@x.org"])) == "")
        #expect(t.lastResults?.map(\.code) == [552])
    }

    @Test(arguments: [
        ("a\nb\n", "a\r\nb\r\n.\r\n"),
        (".\n..x\n", "..\r\n...x\r\n.\r\n"),
        ("no end", "no end\r\n.\r\n"),
        ("crlf\r\nkept\r\n", "crlf\r\nkept\r\n.\r\n"),
        ("lone\rcr", "lone\r\ncr\r\n.\r\n"),
        ("", ".\r\n"),
    ])
    func dataEncoding(_ body: String, _ wire: String) {
        #expect(String(decoding: SMTPDataEncoder.encode(Array(body.utf8)), as: UTF8.self) == wire)
    }
}
