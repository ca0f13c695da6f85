import Testing
@testable import Transport

@Suite("Session: greeting, EHLO, simple commands")
struct SessionBasicsTests {
    @Test func greetsAfterTheConnectPolicy() {
        var harness = SessionHarness(start: false)
        let actions = harness.machine.start()
        #expect(actions == [.ask(.connect)])
        #expect(harness.answer(.connect(.accept())).map(\.description) == ["220 mx.example.org ESMTP Tern"])
    }

    @Test func theBannerGoesOutWhileTheClientIsIdentifiedAndNoCommandIsAnsweredBeforeThat() {
        var harness = SessionHarness(client: .init(address: "192.0.2.1"), start: false)
        harness.autoAnswer = false
        #expect(harness.machine.start() == [.ask(.connect)])
        #expect(harness.answer(.connect(.acceptThenIdentify(serverName: "smtp.example.com"))).map(\.description)
            == ["220 smtp.example.com ESMTP Tern"])
        #expect(harness.questions.last == .identifyClient)
        #expect(harness.machine.isWaitingForPolicy)
        // A client that does not wait: its command is kept until the name is known.
        #expect(harness.send("HELO c.example\r\n").isEmpty)
        #expect(harness.answer(.identifyClient(reverseName: "client.example.net")).map(\.description)
            == ["250 smtp.example.com Hello c.example [192.0.2.1], pleased to meet you"])
        #expect(harness.machine.session.client.reverseName == "client.example.net")
    }

    @Test func aClientWithoutAReverseNameStaysWithout() {
        var policy = FakePolicy()
        policy.connect = .acceptThenIdentify()
        policy.identifiedName = nil
        var harness = SessionHarness(client: .init(address: "192.0.2.1"), policy: policy)
        #expect(harness.questions == [.connect, .identifyClient])
        #expect(harness.say("HELO c.example\r\n") == ["250 mx.example.org Hello c.example [192.0.2.1], pleased to meet you"])
        #expect(harness.machine.session.client.reverseName == nil)
    }

    @Test func theHostnamesTableCanRenameTheServer() {
        var policy = FakePolicy()
        policy.connect = .accept(serverName: "smtp.example.com")
        var harness = SessionHarness(policy: policy)
        #expect(harness.say("HELO c.example\r\n") == ["250 smtp.example.com Hello c.example [192.0.2.1], pleased to meet you"])
    }

    @Test func aRefusedConnectionGetsTheReplyAndIsClosed() {
        var policy = FakePolicy()
        policy.connect = .reject(SMTPReply(554, EnhancedStatusCode(5, 7, 1), "Go away"))
        let harness = SessionHarness(policy: policy)
        #expect(harness.closed)
        #expect(harness.actions.suffix(2) == [.send(SMTPReply(554, EnhancedStatusCode(5, 7, 1), "Go away")), .close])
    }

    @Test func ehloListsWhatThisSessionMayUse() {
        var harness = SessionHarness(.test { $0.startTLS = .offered; $0.authentication = .optional })
        let reply = harness.send("EHLO client.example\r\n")[0]
        #expect(reply.lines.first == "mx.example.org Hello client.example [192.0.2.1], pleased to meet you")
        #expect(reply.lines.contains("STARTTLS") && !reply.lines.contains("AUTH PLAIN LOGIN"))
        #expect(reply.lines.contains("SIZE 36700160"))
        // After TLS: AUTH, no STARTTLS.
        #expect(harness.say("STARTTLS\r\n") == ["220 2.0.0 Ready to start TLS"])
        harness.tlsEstablished()
        let secure = harness.send("EHLO client.example\r\n")[0]
        #expect(!secure.lines.contains("STARTTLS") && secure.lines.contains("AUTH PLAIN LOGIN"))
    }

    @Test func noDSNListenersDoNotAdvertiseIt() {
        var harness = SessionHarness(.test { $0.dsn = false })
        #expect(!harness.send("EHLO c\r\n")[0].lines.contains("DSN"))
        _ = harness.send("MAIL FROM:<a@b.example> RET=HDRS\r\n")
        #expect(harness.actions.contains(.send(Replies.unsupportedMailOption("RET=HDRS"))))
    }

    @Test func commandsBeforeHeloAreOutOfSequence() {
        var harness = SessionHarness()
        #expect(harness.say("MAIL FROM:<a@b.example>\r\n") == [Replies.notAllowedHere.description])
        #expect(harness.say("RSET\r\n") == [Replies.notAllowedHere.description])
        #expect(harness.say("RCPT TO:<a@b.example>\r\n") == [Replies.notAllowedHere.description])
        #expect(harness.say("DATA\r\n") == [Replies.notAllowedHere.description])
        // MAIL's syntax is not even looked at before the sequence check, as in OpenSMTPD.
        #expect(harness.say("MAIL FROM:garbage\r\n") == [Replies.notAllowedHere.description])
        #expect(harness.say("NOOP\r\n") == ["250 2.0.0 Ok"])
    }

    @Test func simpleCommands() {
        var harness = SessionHarness()
        #expect(harness.say("HELO c.example\r\n") == ["250 mx.example.org Hello c.example [192.0.2.1], pleased to meet you"])
        #expect(harness.say("NOOP whatever\r\n") == ["250 2.0.0 Ok"])
        #expect(harness.say("RSET\r\n") == ["250 2.0.0 Reset state"])
        #expect(harness.send("HELP\r\n") == [Replies.help()])
        #expect(harness.say("VRFY root\r\n") == ["500 5.5.1 Invalid command: Command unrecognized"])
        #expect(harness.say("EXPN staff\r\n") == ["500 5.5.1 Invalid command: Command unrecognized"])
        #expect(harness.say("WIZ\r\n") == ["500 5.5.1 Invalid command: Command unrecognized"])
        #expect(harness.say("QUIT\r\n") == ["221 2.0.0 Bye"])
        #expect(harness.closed)
        #expect(harness.say("NOOP\r\n") == [])
    }

    /// RFC 5321 §4.1.4: a later EHLO resets the transaction (OpenSMTPD refuses it instead).
    @Test func aSecondEhloResetsTheTransaction() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\n")
        #expect(harness.machine.transaction != nil)
        #expect(harness.send("EHLO c\r\n").count == 1)
        #expect(harness.machine.transaction == nil)
        #expect(harness.aborted == 1)
    }

    @Test func afterQuitNothingIsRead() {
        var harness = SessionHarness()
        #expect(harness.say("QUIT\r\nNOOP\r\nNOOP\r\n") == ["221 2.0.0 Bye"])
        #expect(harness.discards.first?.0 == 12)
    }

    @Test func idleTimeout() {
        var harness = SessionHarness()
        #expect(harness.actions.last == .armIdleTimer(.seconds(300)))
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\n")
        #expect(harness.timeout().map(\.description) == ["421 4.4.2 Bad connection: Session timed out"])
        #expect(harness.closed && harness.aborted == 1)
    }

    @Test func timeoutsAreIgnoredWhileThePolicyThinks() {
        var harness = SessionHarness()
        harness.autoAnswer = false
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\n")
        #expect(harness.machine.isWaitingForPolicy)
        #expect(harness.timeout().isEmpty)
        #expect(!harness.closed)
    }

    @Test func anAnswerAfterTheClientLeftIsIgnored() {
        var harness = SessionHarness()
        harness.autoAnswer = false
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\n")
        #expect(harness.machine.connectionClosed().isEmpty)
        #expect(harness.machine.answer(.mailFrom(.accept(messageID: "1"))).isEmpty)
    }

    @Test func theErrorLimitEndsAJunkSession() {
        var harness = SessionHarness(.test { $0.maximumErrors = 3 })
        let replies = harness.say("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: y\r\nAccept: z\r\n")
        #expect(replies == [Replies.commandUnrecognized.description, Replies.commandUnrecognized.description,
            Replies.commandUnrecognized.description, "421 4.7.0 Too many errors, closing connection"])
        #expect(harness.closed)
    }

    @Test func noErrorLimitLikeOpenSMTPD() {
        var harness = SessionHarness(.test { $0.maximumErrors = nil })
        let replies = harness.send(String(repeating: "BOGUS\r\n", count: 100))
        #expect(replies.count == 100 && !harness.closed)
    }

    @Test func mailCountLimit() {
        var harness = SessionHarness(.test { $0.maximumMessagesPerSession = 1 })
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n")
        #expect(harness.committed.count == 1)
        #expect(harness.say("MAIL FROM:<a@b.example>\r\n") == ["452 4.5.3 Too many recipients: Too many messages sent"])
    }

    @Test func recipientLimit() {
        var harness = SessionHarness(.test { $0.maximumRecipients = 2 })
        let replies = harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r1@d.example>\r\nRCPT TO:<r2@d.example>\r\n"
            + "RCPT TO:<r3@d.example>\r\n")
        #expect(replies.last == "451 4.5.3 Too many recipients: Too many recipients")
        #expect(harness.machine.transaction?.recipients.count == 2)
    }
}
