import Testing
@testable import Transport

@Suite("Session: MAIL, RCPT, DATA")
struct SessionTransactionTests {
    @Test func aWholeMessage() {
        var harness = SessionHarness()
        let replies = harness.say("""
            EHLO client.example\r
            MAIL FROM:<sender@example.net> SIZE=100 BODY=8BITMIME\r
            RCPT TO:<rcpt@example.org>\r
            DATA\r
            Subject: test\r
            \r
            ..leading dot\r
            body\r
            .\r
            QUIT\r

            """)
        #expect(Array(replies.dropFirst()) == [
            "250 2.0.0 Ok", "250 2.1.5 Destination address valid: Recipient ok",
            "354 Enter mail, end with \".\" on a line by itself",
            "250 2.0.0 a1b2c3d Message accepted for delivery", "221 2.0.0 Bye",
        ])
        #expect(harness.committed == ["""
            Received: from client.example (client.example.net [192.0.2.1])
            \tby mx.example.org (Tern) with ESMTP id a1b2c3d
            \tfor <rcpt@example.org>;
            \tMon, 5 Jan 2026 09:03:07 +0100 (CET)
            Subject: test

            .leading dot
            body

            """])
        #expect(harness.questions.contains(.mailFrom(.mailbox(Mailbox(localPart: "sender", domain: "example.net")),
            MailParameters(size: 100, body: .eightBitMIME))))
        #expect(harness.questions.contains(.commitMessage(size: 33)))
    }

    @Test func recipientsAreQualifiedAndRejectionsQuoteThem() {
        var harness = SessionHarness()
        let replies = harness.say("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<postmaster>\r\nRCPT TO:<nobody@example.org>\r\n"
            + "RCPT TO:<temp@example.org>\r\nRCPT TO:<list@example.org>\r\n")
        #expect(Array(replies.dropFirst(3)) == ["550 Invalid recipient: <nobody@example.org>",
            "451 Temporary failure: <temp@example.org>", "524 5.2.4 Mailing list expansion problem: <list@example.org>"])
        #expect(harness.machine.transaction?.recipients.map(\.mailbox.description) == ["postmaster@mx.example.org"])
        #expect(harness.machine.transaction?.sender == .null)
    }

    @Test func dataNeedsARecipient() {
        var harness = SessionHarness()
        #expect(harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\nDATA\r\n").last
            == "503 5.5.4 Invalid command arguments: No recipient specified")
        #expect(harness.say("MAIL FROM:<a@b.example>\r\n") == [Replies.notAllowedHere.description])
    }

    @Test func senderDecisions() {
        var policy = FakePolicy()
        policy.senderDecision = .senderRejected
        var harness = SessionHarness(policy: policy)
        #expect(harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\n").last == "530 Sender rejected")
        #expect(harness.machine.transaction == nil)
        harness.policy.senderDecision = .temporaryFailure
        #expect(harness.say("MAIL FROM:<a@b.example>\r\n") == ["421 4.3.0 Temporary Error"])
        #expect(harness.closed)
    }

    @Test func declaredSizeOverTheLimit() {
        var harness = SessionHarness(.test { $0.maximumMessageSize = 1000 })
        #expect(harness.say("EHLO c\r\nMAIL FROM:<a@b.example> SIZE=1001\r\n").last
            == "552 5.3.4 Message too big for system: Message size exceeds fixed maximum message size")
        #expect(harness.questions.count == 1)  // only connect: nothing was created
    }

    /// max-message-size: the message is read to its end, refused with 552, and nothing is committed.
    @Test func actualSizeOverTheLimit() {
        var harness = SessionHarness(.test { $0.maximumMessageSize = 20 })
        let replies = harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nDATA\r\n"
            + "Subject: 12345678901234567890\r\n\r\nbody\r\n.\r\nNOOP\r\n")
        #expect(Array(replies.suffix(2)) == ["552 5.3.4 Message too big for system: Transaction failed, message too big",
            "250 2.0.0 Ok"])
        #expect(harness.committed.isEmpty && harness.aborted == 1)
        #expect(!harness.questions.contains { if case .commitMessage = $0 { return true } else { return false } })
    }

    @Test func smtputf8() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\n")
        #expect(harness.say("RCPT TO:<jörg@bücher.example>\r\n")
            == ["553 5.6.7 Non-ASCII addresses not permitted for that sender/recipient"])
        _ = harness.send("RSET\r\nMAIL FROM:<a@b.example> SMTPUTF8\r\n")
        #expect(harness.say("RCPT TO:<jörg@bücher.example>\r\n") == [Replies.recipientOK.description])
    }

    @Test func binaryMIMEIsNotOffered() {
        var harness = SessionHarness()
        #expect(harness.say("EHLO c\r\nMAIL FROM:<a@b.example> BODY=BINARYMIME\r\n").last
            == "503 5.5.4 Invalid command arguments: Unsupported option BODY=BINARYMIME")
    }

    @Test func dsnParametersReachThePolicy() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example> RET=FULL ENVID=x+2By\r\n"
            + "RCPT TO:<r@d.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;r@d.example\r\n")
        #expect(harness.machine.transaction?.parameters.envelopeID == "x+y")
        #expect(harness.machine.transaction?.recipients.first?.parameters
            == RecipientParameters(notify: [.success, .failure],
                originalRecipient: OriginalRecipient(addressType: "rfc822", address: "r@d.example")))
    }

    @Test func messageLoopAndMalformedHeaders() {
        var harness = SessionHarness()
        let received = String(repeating: "Received: from x by y\r\n", count: 100)
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nDATA\r\n")
        #expect(harness.say(received + "\r\nx\r\n.\r\n") == ["500 5.4.6 Routing loop detected: Loop detected"])
        _ = harness.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nDATA\r\n")
        #expect(harness.say("no header here\r\n.\r\n")
            == ["550 5.7.1 Delivery not authorized, message refused: Message is not RFC 2822 compliant"])
        #expect(harness.committed.isEmpty && harness.aborted == 2)
    }

    @Test func nulOctetsAreRefusedAtTheEnd() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nDATA\r\n")
        #expect(harness.send(bytes: Array("Subject: x\r\n\r\na".utf8) + [0] + Array("b\r\n.\r\n".utf8)).map(\.description)
            == ["554 5.6.0 Other/Undefined media error: Message contains NUL characters"])
        #expect(!harness.closed)
    }

    @Test func commitFailureClosesWith421() {
        var policy = FakePolicy()
        policy.commitOutcome = .failed(nil)
        var harness = SessionHarness(policy: policy)
        let replies = harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nDATA\r\nX: y\r\n\r\n.\r\n")
        #expect(replies.last == "421 4.3.0 Temporary failure")
        #expect(harness.closed)
    }

    @Test func openFailureClosesWith421() {
        var policy = FakePolicy()
        policy.openOutcome = .failed
        var harness = SessionHarness(policy: policy)
        let replies = harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nDATA\r\nX: y\r\n")
        #expect(replies.last == "421 4.3.0 Temporary Error")
        #expect(harness.closed && harness.aborted == 1)
    }

    @Test func receivedHeaderVariants() {
        let timestamp = FakePolicy.timestamp
        var header = ReceivedHeader(helo: "c.example", reverseName: "<unknown>", clientAddress: "2001:db8::1",
            serverName: "mx.example.org", usedEHLO: true,
            tls: TLSInfo(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", cipherBits: 256),
            authenticated: true, receivedAuthUser: .some("bob"), messageID: "0a1b2c3d", singleRecipient: nil,
            timestamp: timestamp)
        #expect(header.text == "Received: from c.example (<unknown> [2001:db8::1])\n"
            + "\tby mx.example.org (Tern) with ESMTPSA id 0a1b2c3d (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) auth=yes user=bob;\n"
            + "\tMon, 5 Jan 2026 09:03:07 +0100 (CET)\n")
        header.maskSource = true
        header.usedEHLO = false
        header.authenticated = false
        header.tls = TLSInfo(version: "TLSv1.2", peerVerified: true)
        header.receivedAuthUser = .some(nil)
        #expect(header.text == "Received: \n\tby mx.example.org (Tern) with SMTPS id 0a1b2c3d (TLSv1.2:YES) auth=no;\n"
            + "\tMon, 5 Jan 2026 09:03:07 +0100 (CET)\n")
    }

    @Test func timestampText() {
        let stamp = MessageTimestamp(year: 1999, month: 12, day: 31, weekday: 5, hour: 23, minute: 59, second: 1,
            utcOffsetSeconds: -(4 * 3600 + 30 * 60), zoneName: "VET")
        #expect(stamp.text == "Fri, 31 Dec 1999 23:59:01 -0430 (VET)")
        let epoch = MessageTimestamp.at(secondsSinceEpoch: 0)
        #expect(epoch.year == 1970 || epoch.year == 1969)
    }
}
