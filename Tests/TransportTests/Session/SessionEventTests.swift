import Testing
@testable import Transport

/// The events behind OpenSMTPD's `smtp failed-command` and `smtp disconnected` log lines.
@Suite("Session log events")
struct SessionEventTests {
    private func connectedMachine() -> SMTPSessionStateMachine {
        var machine = SMTPSessionStateMachine(configuration: .test(), client: SMTPClientInfo(address: "192.0.2.1"))
        _ = machine.start()
        _ = machine.answer(.connect(.accept()))
        return machine
    }

    private func failures(_ actions: [SMTPSessionAction]) -> [(String, Int)] {
        actions.compactMap {
            if case .event(.failedCommand(let command, let reply)) = $0 { return (command, reply.code) }
            return nil
        }
    }

    @Test func aRefusedCommandIsReportedWithItsLine() {
        var machine = connectedMachine()
        let actions = machine.receive(Array("FOO bar\r\n".utf8))
        #expect(failures(actions).map(\.0) == ["FOO bar"])
        #expect(failures(actions).map(\.1) == [500])
        #expect(failures(machine.receive(Array("NOOP\r\n".utf8))).isEmpty)
    }

    @Test func authenticationCredentialsNeverReachTheEvent() {
        var machine = connectedMachine()
        // Before EHLO, AUTH is refused; the initial response (a base64 password) must not be in the event.
        let actions = machine.receive(Array("AUTH PLAIN AGJhdG1hbgBzZWNyZXQ=\r\n".utf8))
        #expect(failures(actions).map(\.0) == ["AUTH PLAIN"])
    }

    @Test func brokenFramingIsBadInputNotACommand() {
        var machine = connectedMachine()
        let actions = machine.receive(Array("NOOP\nQUIT\r\n".utf8))
        #expect(failures(actions).isEmpty)
        #expect(actions.contains { if case .event(.badInput(let reply)) = $0 { return reply.code == 500 } else { return false } })
    }

    @Test func saslStagesAreNamedAsOpenSMTPDNamesThem() {
        var machine = SMTPSessionStateMachine(
            configuration: .test { $0.authentication = .optional },
            client: SMTPClientInfo(address: "192.0.2.1"), tls: TLSInfo(version: "TLSv1.3"))
        _ = machine.start()
        _ = machine.answer(.connect(.accept()))
        _ = machine.receive(Array("EHLO client.example\r\nAUTH LOGIN\r\n".utf8))
        // A username that is not base64 fails in the username stage; its text never appears.
        var actions = machine.receive(Array("!!!\r\n".utf8))
        #expect(failures(actions).map(\.0) == ["AUTH LOGIN (username)"])
        _ = machine.receive(Array("AUTH LOGIN\r\n".utf8))
        _ = machine.receive(Array("YmF0bWFu\r\n".utf8))
        actions = machine.receive(Array("c2VjcmV0\r\n".utf8))
        #expect(actions.contains(.ask(.authenticate(SASLCredentials(authorizationID: nil, username: "batman",
            password: Array("secret".utf8))))))
        actions = machine.answer(.authenticate(.failure))
        #expect(failures(actions).map(\.0) == ["AUTH LOGIN (password)"])
    }

    @Test func authArgumentsAreMaskedWhateverTheSpacing() {
        // Found by the session fuzzer: a leading space or a tab must not let the AUTH arguments through.
        #expect(SMTPSessionStateMachine.loggableCommand(ArraySlice(Array(" AUTH PLAIN c2VjcmV0".utf8))) == "AUTH PLAIN")
        #expect(SMTPSessionStateMachine.loggableCommand(ArraySlice(Array("auth\tlogin eA==".utf8))) == "auth login")
        #expect(SMTPSessionStateMachine.loggableCommand(ArraySlice(Array("AUTHX PLAIN abc".utf8))) == "AUTHX PLAIN abc")
    }

    @Test func controlBytesAreMasked() {
        #expect(SMTPSessionStateMachine.loggableCommand(ArraySlice(Array("RCPT TO:<a\u{1}b>".utf8))) == "RCPT TO:<a?b>")
    }

    @Test func anAcceptedMessageIsReportedRightAfterItsReply() {
        var harness = SessionHarness()
        harness.send("EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
        harness.send("Subject: one\r\n\r\nbody\r\n.\r\n")
        let sent = harness.actions.firstIndex(of: .send(Replies.messageAccepted(id: "a1b2c3d")))
        #expect(sent != nil)
        #expect(sent.map { harness.actions[$0 + 1] } == .event(.messageAccepted(messageID: "a1b2c3d")))

        // A refused commit is no accepted message.
        var refused = SessionHarness(policy: FakePolicy(commitOutcome: .failed(nil)))
        refused.send("EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
        refused.send("Subject: one\r\n\r\nbody\r\n.\r\n")
        #expect(!refused.actions.contains { if case .event(.messageAccepted) = $0 { return true } else { return false } })
    }

    @Test func closeReasonsFollowOpenSMTPDsWords() {
        var quitting = connectedMachine()
        _ = quitting.receive(Array("QUIT\r\n".utf8))
        #expect(quitting.closeReason == "quit")
        var idle = connectedMachine()
        _ = idle.idleTimeout()
        #expect(idle.closeReason == "timeout")
        var dropped = connectedMachine()
        _ = dropped.connectionClosed()
        #expect(dropped.closeReason == nil)
    }
}

/// Slowloris: bytes that do not complete a line do not keep a session alive.
@Suite("Idle timer")
struct IdleTimerTests {
    private func arms(_ actions: [SMTPSessionAction]) -> Bool {
        actions.contains { if case .armIdleTimer = $0 { return true } else { return false } }
    }

    @Test func onlyWholeLinesRestartTheTimer() {
        var machine = SMTPSessionStateMachine(configuration: .test(), client: SMTPClientInfo(address: "192.0.2.1"))
        _ = machine.start()
        #expect(arms(machine.answer(.connect(.accept()))))
        #expect(!arms(machine.receive(Array("EH".utf8))))
        #expect(!arms(machine.receive(Array("LO x".utf8))))
        #expect(arms(machine.receive(Array(".example\r\n".utf8))))
        #expect(!arms(machine.receive(Array("NO".utf8))))
        #expect(arms(machine.receive(Array("OP\r\nRS".utf8))), "a whole line came, though another one started")
        // The timer still runs from that line: firing now ends the session with OpenSMTPD's 421.
        let timedOut = machine.idleTimeout()
        #expect(timedOut.contains(.send(Replies.timeout)) && timedOut.last == .close)
    }
}
