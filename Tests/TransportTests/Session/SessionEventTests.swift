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

    @Test func controlBytesAreMasked() {
        #expect(SMTPSessionStateMachine.loggableCommand(ArraySlice(Array("RCPT TO:<a\u{1}b>".utf8))) == "RCPT TO:<a?b>")
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
