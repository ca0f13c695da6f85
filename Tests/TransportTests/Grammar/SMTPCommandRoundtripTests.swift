import Testing
@testable import Transport

@Suite("SMTPCommand encode → parse round trips")
struct SMTPCommandRoundtripTests {
    static let commands: [SMTPCommand] = [
        .helo(domain: "client.example"),
        .ehlo(domain: "[192.0.2.1]"),
        .ehlo(domain: "[IPv6:2001:db8::7]"),
        .mail(from: .null, parameters: .init()),
        .mail(from: .mailbox(Mailbox(localPart: "first.last+tag", domain: "example.org")), parameters: .init()),
        .mail(from: .mailbox(Mailbox(localPart: "a", domain: "b.example")), parameters: MailParameters(size: 12345,
            body: .eightBitMIME, smtpUTF8: false, dsnReturn: .full, envelopeID: "id with space+plus=eq",
            auth: "user@example.org")),
        .mail(from: .mailbox(Mailbox(localPart: "jörg", domain: "bücher.example")),
            parameters: MailParameters(body: .binaryMIME, smtpUTF8: true)),
        .mail(from: .null, parameters: MailParameters(body: .sevenBit, auth: "<>")),
        .rcpt(to: .mailbox(Mailbox(localPart: "postmaster", domain: nil)), parameters: .init()),
        .rcpt(to: .mailbox(Mailbox(localPart: "u", domain: "[192.0.2.9]")), parameters: RecipientParameters(
            notify: [.success, .failure, .delay], originalRecipient: OriginalRecipient(addressType: "rfc822",
                address: "Ü+x=y@example.org"))),
        .rcpt(to: .mailbox(Mailbox(localPart: "u", domain: "d.example")), parameters: RecipientParameters(notify: .never)),
        .rcpt(to: .mailbox(Mailbox(localPart: "u", domain: "d.example")), parameters: RecipientParameters(notify: [])),
        .data, .rset, .noop, .quit, .help, .startTLS,
        .bdat(size: 0, last: true), .bdat(size: 65536, last: false),
        .vrfy("root"), .expn("staff"),
        .auth(mechanism: "PLAIN", initialResponse: nil),
        .auth(mechanism: "PLAIN", initialResponse: SASLInitialResponse("AGJvYgBzZWNyZXQ=")),
        .auth(mechanism: "LOGIN", initialResponse: SASLInitialResponse("=")),
    ]

    @Test(arguments: commands)
    func roundTrips(_ command: SMTPCommand) throws {
        let encoded = command.encoded
        #expect(encoded.suffix(2) == [0x0D, 0x0A])
        #expect(try SMTPCommand.parse(encoded.dropLast(2)) == command)
    }

    @Test func encodingIsCanonical() {
        let mail = SMTPCommand.mail(from: .mailbox(Mailbox(localPart: "a", domain: "b")),
            parameters: MailParameters(size: 1, body: .eightBitMIME, envelopeID: "x+y"))
        #expect(String(decoding: mail.encoded, as: UTF8.self) == "MAIL FROM:<a@b> SIZE=1 BODY=8BITMIME ENVID=x+2By\r\n")
        #expect(String(decoding: SMTPCommand.bdat(size: 5, last: true).encoded, as: UTF8.self) == "BDAT 5 LAST\r\n")
    }

    /// Credentials never reach a log line: the AUTH data is masked in every textual view.
    @Test func authDataIsRedacted() {
        let command = SMTPCommand.auth(mechanism: "PLAIN", initialResponse: SASLInitialResponse("AGJvYgBzZWNyZXQ="))
        #expect(command.description == "AUTH PLAIN ********")
        #expect(String(describing: command) == "AUTH PLAIN ********")
        #expect(String(reflecting: command) == "AUTH PLAIN ********")
        #expect(!"\(command)".contains("AGJv"))
        var dumped = ""
        dump(command, to: &dumped)
        #expect(!dumped.contains("AGJv"))
        #expect(String(decoding: command.encoded, as: UTF8.self) == "AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n")
    }
}
