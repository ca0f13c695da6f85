import Testing
@testable import Transport

@Suite("Session: STARTTLS, tls-require, AUTH")
struct SessionSecurityTests {
    static let plain = SMTPSessionConfiguration.test { $0.startTLS = .offered; $0.authentication = .optional }

    @Test func startTLSChecks() {
        var harness = SessionHarness(.test())
        #expect(harness.say("STARTTLS\r\n") == [Replies.notAllowedHere.description])
        #expect(harness.say("EHLO c\r\nSTARTTLS\r\n").last == "503 5.5.1 Invalid command: Command not supported")
        var tls = SessionHarness(Self.plain)
        #expect(tls.say("EHLO c\r\nSTARTTLS now\r\n").last == "501 5.5.4 Invalid command arguments: No parameters allowed")
        #expect(tls.say("MAIL FROM:<a@b.example>\r\nSTARTTLS\r\n").last == Replies.notAllowedHere.description)
        #expect(tls.say("RSET\r\nSTARTTLS\r\n") == ["250 2.0.0 Reset state", "220 2.0.0 Ready to start TLS"])
        #expect(tls.actions.contains(.startTLS))
        tls.tlsEstablished()
        #expect(tls.say("STARTTLS\r\n") == [Replies.notAllowedHere.description])  // EHLO again first
        #expect(tls.say("EHLO c\r\nSTARTTLS\r\n").last == "503 5.5.1 Invalid command: Channel already secured")
    }

    /// CVE-2011-0411: commands pipelined behind STARTTLS were sent in clear; they must be dropped, not run after the
    /// handshake as if they came under TLS.
    @Test func bytesPipelinedAfterSTARTTLSAreDiscarded() {
        var harness = SessionHarness(Self.plain)
        let injected = "MAIL FROM:<evil@example.net>\r\nRCPT TO:<victim@example.org>\r\n"
        let replies = harness.say("EHLO c\r\nSTARTTLS\r\n" + injected)
        #expect(replies.last == "220 2.0.0 Ready to start TLS")
        #expect(harness.discards.map(\.0) == [injected.utf8.count])
        #expect(harness.discards.map(\.1) == [.pipelinedAfterSTARTTLS])
        // Bytes arriving before the handshake completes wait for it; the session starts over.
        #expect(harness.send("EHLO again\r\n").isEmpty)
        let after = harness.tlsEstablished()
        #expect(after.count == 1 && after[0].lines[0].contains("Hello again"))
        #expect(harness.machine.session.isSecure && harness.machine.transaction == nil)
        #expect(!harness.questions.contains { if case .mailFrom = $0 { return true } else { return false } })
    }

    /// A clear-text 421 in the middle of a TLS handshake would only garble it: the session just closes.
    @Test func aTimeoutDuringTheHandshakeClosesSilently() {
        var harness = SessionHarness(Self.plain)
        _ = harness.send("EHLO c\r\nSTARTTLS\r\n")
        #expect(harness.timeout().isEmpty)
        #expect(harness.closed && harness.actions.last == .close)
    }

    @Test func tlsRequireGatesEverythingButTheSixCommands() {
        var harness = SessionHarness(.test { $0.startTLS = .required })
        #expect(harness.say("EHLO c\r\n").count == 1)
        #expect(harness.say("NOOP\r\nRSET\r\n") == ["250 2.0.0 Ok", "250 2.0.0 Reset state"])
        for command in ["MAIL FROM:<a@b.example>", "RCPT TO:<a@b.example>", "DATA", "HELP", "VRFY x", "EXPN x",
            "AUTH PLAIN", "MAIL FROM:garbage"]
        {
            #expect(harness.say(command + "\r\n") == [Replies.mustStartTLS.description], "\(command)")
        }
        // A refused BDAT's octets are still read.
        #expect(harness.say("BDAT 6\r\nQUIT\r\nNOOP\r\n") == [Replies.mustStartTLS.description, "250 2.0.0 Ok"])
        #expect(harness.say("HELO c\r\n").count == 1)
        #expect(harness.say("STARTTLS\r\n") == ["220 2.0.0 Ready to start TLS"])
        harness.tlsEstablished()
        #expect(harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\n").last == "250 2.0.0 Ok")
    }

    @Test func authRequiredBeforeMail() {
        var harness = SessionHarness(.test { $0.authentication = .required }, tls: TLSInfo(version: "TLSv1.3"))
        #expect(harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\n").last
            == "530 5.5.1 Invalid command: Must issue an AUTH command first")
        #expect(harness.say("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n") == ["235 2.0.0 Authentication succeeded"])
        #expect(harness.say("MAIL FROM:<a@b.example>\r\n") == ["250 2.0.0 Ok"])
        #expect(harness.machine.session.authenticatedUser == "bob")
    }

    @Test func authIsOnlyOfferedOnSecureSessions() {
        var harness = SessionHarness(Self.plain)
        #expect(harness.say("EHLO c\r\nAUTH PLAIN AGJvYgBzZWNyZXQ=\r\n").last == Replies.commandNotSupported.description)
        #expect(!harness.questions.contains { if case .authenticate = $0 { return true } else { return false } })
    }

    @Test func authPlainTwoStepsAndFailures() {
        var harness = SessionHarness(Self.plain, tls: TLSInfo(version: "TLSv1.3"))
        _ = harness.send("EHLO c\r\n")
        #expect(harness.say("AUTH PLAIN\r\n") == ["334 "])
        #expect(harness.say("AGJvYgB3cm9uZw==\r\n") == ["535 Authentication failed"])
        #expect(harness.say("AUTH PLAIN not*base64\r\n") == ["501 5.5.2 Syntax error: Syntax error"])
        #expect(harness.say("AUTH PLAIN\r\n*\r\n") == ["334 ", "501 5.5.2 Syntax error: Syntax error"])
        #expect(harness.say("AUTH CRAM-MD5\r\n")
            == ["504 5.7.4 Security features not supported: AUTH method \"CRAM-MD5\" not supported"])
        #expect(harness.say("AUTH\r\n") == ["501 5.5.4 Invalid command arguments: No parameters given"])
        #expect(harness.say("AUTH plain AGJvYgBzZWNyZXQ=\r\n") == ["235 2.0.0 Authentication succeeded"])
        #expect(harness.say("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n") == ["503 5.5.1 Invalid command: Already authenticated"])
        // No AUTH in EHLO once authenticated.
        #expect(!harness.send("EHLO c\r\n")[0].lines.contains("AUTH PLAIN LOGIN"))
    }

    @Test func authLogin() {
        var harness = SessionHarness(Self.plain, tls: TLSInfo(version: "TLSv1.3"))
        _ = harness.send("EHLO c\r\n")
        #expect(harness.say("AUTH LOGIN\r\nYm9i\r\nc2VjcmV0\r\n")
            == ["334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 2.0.0 Authentication succeeded"])
        var second = SessionHarness(Self.plain, tls: TLSInfo(version: "TLSv1.3"))
        _ = second.send("EHLO c\r\n")
        #expect(second.say("AUTH LOGIN Ym9i\r\nc2VjcmV0\r\n") == ["334 UGFzc3dvcmQ6", "235 2.0.0 Authentication succeeded"])
    }

    @Test func authDuringATransactionIsOutOfSequence() {
        var harness = SessionHarness(Self.plain, tls: TLSInfo(version: "TLSv1.3"))
        #expect(harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\nAUTH PLAIN\r\n").last == Replies.notAllowedHere.description)
    }

    @Test func authTemporaryFailureCloses() {
        var policy = FakePolicy()
        policy.authenticationOutcome = .temporaryFailure
        var harness = SessionHarness(Self.plain, tls: TLSInfo(version: "TLSv1.3"), policy: policy)
        #expect(harness.say("EHLO c\r\nAUTH PLAIN AGJvYgBzZWNyZXQ=\r\n").last == "421 4.3.0 Temporary failure")
        #expect(harness.closed)
    }

    /// The credentials the machine asks about never show in its textual forms.
    @Test func credentialsStayOutOfDescriptions() {
        var harness = SessionHarness(Self.plain, tls: TLSInfo(version: "TLSv1.3"))
        _ = harness.send("EHLO c\r\nAUTH PLAIN AGJvYgBzZWNyZXQ=\r\n")
        let text = "\(harness.actions) \(harness.questions)"
        #expect(!text.contains("secret"))
        #expect(text.contains("********"))
    }

    @Test func smtpsSessionsAreSecureFromTheStart() {
        var harness = SessionHarness(.test { $0.implicitTLS = true; $0.authentication = .required },
            tls: TLSInfo(version: "TLSv1.3"))
        let ehlo = harness.send("EHLO c\r\n")[0]
        #expect(ehlo.lines.contains("AUTH PLAIN LOGIN") && !ehlo.lines.contains("STARTTLS"))
        #expect(harness.say("STARTTLS\r\n") == [Replies.commandNotSupported.description])
    }

    @Test func localEnqueueIsAuthenticatedAndGetsMissingHeaders() {
        var harness = SessionHarness(.test(), client: SMTPClientInfo(address: "local", reverseName: "localhost",
            isLocalEnqueue: true))
        _ = harness.send("EHLO localhost\r\nMAIL FROM:<u@mx.example.org>\r\nRCPT TO:<r@d.example>\r\nDATA\r\n"
            + "Subject: hi\r\nBcc: secret@example.org\r\n hidden@example.org\r\n\r\nbody\r\n.\r\n")
        #expect(harness.committed == ["""
            Received: from localhost (localhost [local])
            \tby mx.example.org (Tern) with ESMTPA id a1b2c3d
            \tfor <r@d.example>;
            \tMon, 5 Jan 2026 09:03:07 +0100 (CET)
            Subject: hi
            Date: Mon, 5 Jan 2026 09:03:07 +0100 (CET)
            Message-ID: <000000000000feed@mx.example.org>

            body

            """])
    }

    @Test func receivedAuthOnSecureSessions() {
        var harness = SessionHarness(.test { $0.authentication = .optional; $0.receivedAuth = true },
            tls: TLSInfo(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", cipherBits: 128))
        _ = harness.send("EHLO c\r\nAUTH PLAIN AGJvYgBzZWNyZXQ=\r\nMAIL FROM:<bob@example.org>\r\n"
            + "RCPT TO:<r1@d.example>\r\nRCPT TO:<r2@d.example>\r\nDATA\r\nDate: x\r\nMessage-ID: <y@z>\r\n\r\n.\r\n")
        #expect(harness.committed.first?.hasPrefix("""
            Received: from c (client.example.net [192.0.2.1])
            \tby mx.example.org (Tern) with ESMTPSA id a1b2c3d (TLSv1.3:TLS_AES_128_GCM_SHA256:128:NO) auth=yes user=bob;
            \tMon, 5 Jan 2026 09:03:07 +0100 (CET)
            Date: x
            Message-ID: <y@z>

            """) == true)
    }
}
