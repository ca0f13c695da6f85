import Testing
@testable import Transport

@Suite("SMTPReply encoding and OpenSMTPD's texts")
struct SMTPReplyTests {
    private func wire(_ reply: SMTPReply) -> String { String(decoding: reply.encoded, as: UTF8.self) }

    @Test func singleAndMultiLine() {
        #expect(wire(Replies.ok) == "250 2.0.0 Ok\r\n")
        #expect(wire(Replies.help()) == "214-2.0.0 This is Tern\r\n"
            + "214-2.0.0 To report bugs in the implementation, please contact your postmaster\r\n"
            + "214-2.0.0 with full details\r\n214 2.0.0 End of HELP info\r\n")
        #expect(wire(Replies.challenge("")) == "334 \r\n")
        #expect(wire(SMTPReply(code: 250, lines: [])) == "250 \r\n")
    }

    /// Each text as OpenSMTPD 6.8 and 7.8 print it (`smtp_session.c`, `lka_session.c`), except where the
    /// comment says Tern differs.
    @Test(arguments: [
        (Replies.banner(serverName: "mx.example.org"), "220 mx.example.org ESMTP Tern"),
        (Replies.commandUnrecognized, "500 5.5.1 Invalid command: Command unrecognized"),
        (Replies.notAllowedHere, "503 5.5.1 Invalid command: Command not allowed at this point."),
        (Replies.noArgumentsAccepted, "500 5.5.4 Invalid command arguments: command does not accept arguments."),
        (Replies.mustStartTLS, "530 5.5.1 Invalid command: Must issue a STARTTLS command first"),
        (Replies.mustAuthenticate, "530 5.5.1 Invalid command: Must issue an AUTH command first"),
        (Replies.lineTooLong, "500 5.0.0 Line too long"),
        (Replies.commandLineTooLong, "500 5.0.0 Command line too long"),
        (Replies.readyToStartTLS, "220 2.0.0 Ready to start TLS"),
        (Replies.alreadySecured, "503 5.5.1 Invalid command: Channel already secured"),
        (Replies.commandNotSupported, "503 5.5.1 Invalid command: Command not supported"),
        (Replies.alreadyAuthenticated, "503 5.5.1 Invalid command: Already authenticated"),
        (Replies.mechanismNotSupported("CRAM-MD5"),
            "504 5.7.4 Security features not supported: AUTH method \"CRAM-MD5\" not supported"),
        (Replies.authSyntaxError, "501 5.5.2 Syntax error: Syntax error"),
        (Replies.authenticationSucceeded, "235 2.0.0 Authentication succeeded"),
        (Replies.authenticationFailed, "535 Authentication failed"),
        (Replies.tooManyMessages, "452 4.5.3 Too many recipients: Too many messages sent"),
        (Replies.tooManyRecipients, "451 4.5.3 Too many recipients: Too many recipients"),
        (Replies.senderRejected, "530 Sender rejected"),
        (Replies.temporaryError, "421 4.3.0 Temporary Error"),
        (Replies.temporaryFailure, "421 4.3.0 Temporary failure"),
        (Replies.recipientOK, "250 2.1.5 Destination address valid: Recipient ok"),
        (Replies.recipientRejected(.invalidRecipient, address: "x@example.org"), "550 Invalid recipient: <x@example.org>"),
        (Replies.recipientRejected(.temporaryFailure, address: "x@example.org"), "451 Temporary failure: <x@example.org>"),
        (Replies.recipientRejected(.expansionFailed(permanent: true), address: "x@y"),
            "524 5.2.4 Mailing list expansion problem: <x@y>"),
        (Replies.recipientRejected(.expansionFailed(permanent: false), address: "x@y"),
            "424 4.2.4 Mailing list expansion problem: <x@y>"),
        (Replies.noRecipient, "503 5.5.4 Invalid command arguments: No recipient specified"),
        (Replies.enterMail, "354 Enter mail, end with \".\" on a line by itself"),
        (Replies.messageAccepted(id: "0a1b2c3d"), "250 2.0.0 0a1b2c3d Message accepted for delivery"),
        // OpenSMTPD: 554; RFC 5321 and RFC 1870: 552.
        (Replies.messageTooBig, "552 5.3.4 Message too big for system: Transaction failed, message too big"),
        (Replies.loopDetected, "500 5.4.6 Routing loop detected: Loop detected"),
        (Replies.notRFC5322,
            "550 5.7.1 Delivery not authorized, message refused: Message is not RFC 2822 compliant"),
        (Replies.resetState, "250 2.0.0 Reset state"),
        (Replies.bye, "221 2.0.0 Bye"),
        (Replies.notifyNeverCombined, "553 NOTIFY option NEVER cannot be combined with other options"),
        (Replies.originalRecipientSyntaxError, "553 ORCPT address syntax error"),
        (Replies.senderSyntaxError, "553 5.1.0 Sender address syntax error"),
        (Replies.recipientSyntaxError, "501 5.1.3 Recipient address syntax error"),
    ])
    func openSMTPDTexts(_ reply: SMTPReply, _ text: String) {
        #expect(reply.description == text)
    }

    @Test func ehloInOpenSMTPDOrderWithTernsAdditions() {
        let all = Replies.ehlo(serverName: "mx.example.org", helo: "client.example", clientAddress: "192.0.2.1",
            extensions: Replies.ehloExtensions(maximumMessageSize: 36_700_160, dsn: true, offerStartTLS: true,
                offerAuth: true))
        #expect(wire(all) == """
            250-mx.example.org Hello client.example [192.0.2.1], pleased to meet you\r
            250-8BITMIME\r
            250-ENHANCEDSTATUSCODES\r
            250-SIZE 36700160\r
            250-DSN\r
            250-STARTTLS\r
            250-AUTH PLAIN LOGIN\r
            250-PIPELINING\r
            250-SMTPUTF8\r
            250-CHUNKING\r
            250 HELP\r

            """)
        let bare = Replies.ehloExtensions(maximumMessageSize: 10, dsn: false, offerStartTLS: false, offerAuth: false)
        #expect(bare.map(\.keyword) == ["8BITMIME", "ENHANCEDSTATUSCODES", "SIZE", "PIPELINING", "SMTPUTF8", "CHUNKING",
            "HELP"])
    }

    @Test func heloLineBracketsEveryAddress() {
        #expect(Replies.helo(serverName: "mx", helo: "c", clientAddress: "2001:db8::1").description
            == "250 mx Hello c [2001:db8::1], pleased to meet you")
        #expect(Replies.helo(serverName: "mx", helo: "c", clientAddress: "local").description
            == "250 mx Hello c [local], pleased to meet you")
    }

    @Test func onlyA421Closes() {
        #expect(Replies.temporaryError.closesConnection)
        #expect(!Replies.messageTooBig.closesConnection)
    }
}
