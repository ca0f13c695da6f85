import Testing
@testable import Transport

@Suite("SMTPCommand parsing")
struct SMTPCommandParsingTests {
    private func parse(_ line: String) throws(SMTPCommandError) -> SMTPCommand {
        try SMTPCommand.parse(Array(line.utf8))
    }

    private func failure(_ line: String) -> SMTPCommandError? {
        do {
            _ = try parse(line)
            return nil
        } catch {
            return error
        }
    }

    private static let box = Mailbox(localPart: "a", domain: "b.example")

    @Test(arguments: [
        ("HELO client.example", SMTPCommand.helo(domain: "client.example")),
        ("helo client.example", .helo(domain: "client.example")),
        ("EhLo [192.0.2.1]", .ehlo(domain: "[192.0.2.1]")),
        ("EHLO [IPv6:2001:db8::1]", .ehlo(domain: "[IPv6:2001:db8::1]")),
        ("EHLO   spaced.example  ", .ehlo(domain: "spaced.example")),
        ("EHLO under_score.example", .ehlo(domain: "under_score.example")),
        ("MAIL FROM:<a@b.example>", .mail(from: .mailbox(box), parameters: .init())),
        ("mail from: <a@b.example>", .mail(from: .mailbox(box), parameters: .init())),
        ("MAIL FROM:   <a@b.example>", .mail(from: .mailbox(box), parameters: .init())),
        ("MAIL FROM:<>", .mail(from: .null, parameters: .init())),
        ("MAIL FROM:<a@b.example>SIZE=10", .mail(from: .mailbox(box), parameters: .init(size: 10))),
        ("RCPT TO:<a@b.example>", .rcpt(to: .mailbox(box), parameters: .init())),
        ("rcpt to: <postmaster>", .rcpt(to: .mailbox(Mailbox(localPart: "postmaster", domain: nil)), parameters: .init())),
        ("RCPT TO:<@relay.example,@other.example:a@b.example>", .rcpt(to: .mailbox(box), parameters: .init())),
        ("DATA", .data),
        ("data", .data),
        ("DATA ", .data),
        ("RSET", .rset),
        ("NOOP", .noop),
        ("NOOP anything at all", .noop),
        ("QUIT", .quit),
        ("HELP", .help),
        ("STARTTLS", .startTLS),
        ("VRFY root", .vrfy("root")),
        ("EXPN staff", .expn("staff")),
        ("BDAT 0 LAST", .bdat(size: 0, last: true)),
        ("bdat 1000", .bdat(size: 1000, last: false)),
        ("BDAT 12 last", .bdat(size: 12, last: true)),
        ("AUTH PLAIN", .auth(mechanism: "PLAIN", initialResponse: nil)),
        ("AUTH LOGIN dXNlcg==", .auth(mechanism: "LOGIN", initialResponse: SASLInitialResponse("dXNlcg=="))),
        ("AUTH plain\tAGJvYgBzZWNyZXQ=", .auth(mechanism: "plain", initialResponse: SASLInitialResponse("AGJvYgBzZWNyZXQ="))),
    ])
    func accepts(_ line: String, _ expected: SMTPCommand) throws {
        #expect(try parse(line) == expected)
    }

    /// OpenSMTPD looks up `MAIL FROM:` with its colon and other verbs up to the first space only.
    @Test(arguments: ["MAIL FROM <a@b.example>", "MAIL  FROM:<a@b.example>", "MAIL", "RCPT TO <x@y>", "NOOP\tx",
        "WIZ", "GET / HTTP/1.1", "", " HELO x"])
    func unrecognized(_ line: String) throws {
        guard case .unknown(let text) = try parse(line) else {
            Issue.record("\(line) should be unknown")
            return
        }
        #expect(text == line)
    }

    @Test(arguments: [
        ("HELO", "501 5.5.1 Invalid command: HELO requires domain name"),
        ("EHLO", "501 5.5.1 Invalid command: EHLO requires domain name"),
        ("EHLO foo bar", "501 5.5.4 Invalid command arguments: Invalid domain name"),
        ("EHLO foo.", "501 5.5.4 Invalid command arguments: Invalid domain name"),
        ("EHLO -foo", "501 5.5.4 Invalid command arguments: Invalid domain name"),
        ("EHLO a..b", "501 5.5.4 Invalid command arguments: Invalid domain name"),
        ("EHLO [300.1.1.1]", "501 5.5.4 Invalid command arguments: Invalid domain name"),
        ("EHLO bücher.example", "501 5.5.4 Invalid command arguments: Invalid domain name"),
        ("DATA now", "500 5.5.4 Invalid command arguments: command does not accept arguments."),
        ("QUIT please", "500 5.5.4 Invalid command arguments: command does not accept arguments."),
        ("RSET x", "500 5.5.4 Invalid command arguments: command does not accept arguments."),
        ("HELP DATA", "500 5.5.4 Invalid command arguments: command does not accept arguments."),
        ("STARTTLS x", "501 5.5.4 Invalid command arguments: No parameters allowed"),
        ("AUTH", "501 5.5.4 Invalid command arguments: No parameters given"),
        ("AUTH ", "501 5.5.4 Invalid command arguments: No parameters given"),
        ("MAIL FROM:", "553 5.1.0 Sender address syntax error"),
        ("MAIL FROM:a@b.example", "553 5.1.0 Sender address syntax error"),
        ("MAIL FROM:<a@b.example", "553 5.1.0 Sender address syntax error"),
        ("MAIL FROM:<a b@c>", "553 5.1.0 Sender address syntax error"),
        ("MAIL FROM:<\"quoted\"@b.example>", "553 5.1.0 Sender address syntax error"),
        ("MAIL FROM:<a@b.example> FOO=BAR", "503 5.5.4 Invalid command arguments: Unsupported option FOO=BAR"),
        ("MAIL FROM:<a@b.example> BODY=9BIT", "503 5.5.4 Invalid command arguments: Unsupported option BODY=9BIT"),
        ("MAIL FROM:<a@b.example> SIZE=abc", "503 5.5.4 Invalid command arguments: Unsupported option SIZE=abc"),
        ("MAIL FROM:<a@b.example> SMTPUTF8=yes", "503 5.5.4 Invalid command arguments: Unsupported option SMTPUTF8=yes"),
        ("MAIL FROM:<a@b.example> RET=ALL", "503 5.5.4 Invalid command arguments: Unsupported option RET=ALL"),
        ("MAIL FROM:<a@b.example> ENVID=" + String(repeating: "x", count: 101),
            "503 5.5.4 Invalid command arguments: option too large, truncated: " + String(repeating: "x", count: 101)),
        ("MAIL FROM:<jörg@b.example>", "553 5.6.7 Non-ASCII addresses not permitted for that sender/recipient"),
        ("RCPT TO:<>", "501 5.1.3 Recipient address syntax error"),
        ("RCPT TO:", "501 5.1.3 Recipient address syntax error"),
        ("RCPT TO:<a@b.example> FOO", "503 Unsupported option FOO"),
        ("RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS", "553 NOTIFY option NEVER cannot be combined with other options"),
        ("RCPT TO:<a@b.example> ORCPT=a@b.example", "553 ORCPT address syntax error"),
        ("RCPT TO:<a@b.example> ORCPT=rfc822;a+2", "553 ORCPT address syntax error"),
        ("BDAT", "501 5.5.4 Invalid command arguments: Syntax: BDAT count [LAST]"),
        ("BDAT x", "501 5.5.4 Invalid command arguments: Syntax: BDAT count [LAST]"),
        ("BDAT 10 FIRST", "501 5.5.4 Invalid command arguments: Syntax: BDAT count [LAST]"),
        ("BDAT 99999999999999999999", "501 5.5.4 Invalid command arguments: Syntax: BDAT count [LAST]"),
        ("BDAT -1", "501 5.5.4 Invalid command arguments: Syntax: BDAT count [LAST]"),
    ])
    func refuses(_ line: String, _ reply: String) {
        #expect(failure(line)?.reply.description == reply)
    }

    @Test func errorsKeepTheVerbForStateChecks() {
        #expect(failure("MAIL FROM:x")?.verb == .mail)
        #expect(failure("rcpt to:x")?.verb == .rcpt)
        #expect(failure("ehlo")?.verb == .ehlo)
    }

    @Test func mailParametersAreParsedCaseInsensitively() throws {
        let command = try parse("MAIL FROM:<a@b.example> size=1000 body=8bitmime SMTPUTF8 ret=hdrs ENVID=QQ+2BB AUTH=<>")
        #expect(command == .mail(from: .mailbox(Self.box), parameters: MailParameters(size: 1000, body: .eightBitMIME,
            smtpUTF8: true, dsnReturn: .headers, envelopeID: "QQ+B", auth: "<>")))
    }

    @Test func sizeSaturates() throws {
        guard case .mail(_, let parameters) = try parse("MAIL FROM:<> SIZE=99999999999999999999") else {
            Issue.record("not MAIL")
            return
        }
        #expect(parameters.size == UInt64.max)
    }

    @Test func utf8AddressesNeedSMTPUTF8() throws {
        let command = try parse("MAIL FROM:<jörg@bücher.example> SMTPUTF8")
        #expect(command == .mail(from: .mailbox(Mailbox(localPart: "jörg", domain: "bücher.example")),
            parameters: MailParameters(smtpUTF8: true)))
        // RCPT accepts the syntax; the session checks the transaction's SMTPUTF8.
        #expect(try parse("RCPT TO:<δοκιμή@παράδειγμα.δοκιμή>").verb == .rcpt)
    }

    @Test func recipientParameters() throws {
        let command = try parse("RCPT TO:<a@b.example> NOTIFY=success,Delay ORCPT=rfc822;a+2Bx@b.example")
        #expect(command == .rcpt(to: .mailbox(Self.box), parameters: RecipientParameters(notify: [.success, .delay],
            originalRecipient: OriginalRecipient(addressType: "rfc822", address: "a+x@b.example"))))
        // OpenSMTPD ignores NOTIFY words it does not know.
        #expect(try parse("RCPT TO:<a@b.example> NOTIFY=FAILURE,SOMETIMES")
            == .rcpt(to: .mailbox(Self.box), parameters: RecipientParameters(notify: .failure)))
    }

    @Test func commandLinesWithNonUTF8BytesDoNotTrap() throws {
        let bytes: [UInt8] = Array("MAIL FROM:<".utf8) + [0xFF, 0xFE] + Array("@x>".utf8)
        #expect(throws: SMTPCommandError.self) { try SMTPCommand.parse(bytes) }
        #expect(try SMTPCommand.parse([0xC3, 0x28, 0x20]).verb == nil)
    }
}
