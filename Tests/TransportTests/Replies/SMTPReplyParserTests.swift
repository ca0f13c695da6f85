import Testing
@testable import Transport

@Suite("SMTPReplyParser (client side)")
struct SMTPReplyParserTests {
    private func parse(_ wire: String) throws -> [SMTPReply] {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        for line in wire.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast() {
            if let reply = try parser.parse(line: Array(line.utf8)) { replies.append(reply) }
        }
        return replies
    }

    static let replies: [SMTPReply] = [
        Replies.ok, Replies.help(), Replies.bye, Replies.enterMail, Replies.challenge(""), Replies.challenge("VXNlcm5hbWU6"),
        Replies.recipientRejected(.invalidRecipient, address: "a@b"), Replies.authenticationFailed,
        Replies.ehlo(serverName: "mx", helo: "c", clientAddress: "192.0.2.1", extensions: Replies.ehloExtensions(
            maximumMessageSize: 1, dsn: true, offerStartTLS: true, offerAuth: false)),
        SMTPReply(code: 250, enhancedCode: EnhancedStatusCode(2, 1, 5), lines: ["", " leading space", "x"]),
        SMTPReply(451, EnhancedStatusCode(4, 7, 1), "Try later"),
    ]

    @Test(arguments: replies)
    func roundTrips(_ reply: SMTPReply) throws {
        #expect(try parse(String(decoding: reply.encoded, as: UTF8.self)) == [reply])
    }

    @Test func repliesFromOtherServers() throws {
        let replies = try parse("220 mx.google.com ESMTP x\r\n250-mx at your service\r\n250-SIZE 35882577\r\n250 SMTPUTF8\r\n"
            + "550-The email account\r\n550 5.1.1 does not exist\r\n354\r\n")
        #expect(replies.count == 4)
        #expect(replies[1].lines == ["mx at your service", "SIZE 35882577", "SMTPUTF8"])
        // Not every line carries the code: the texts stay as sent.
        #expect(replies[2].enhancedCode == nil && replies[2].lines == ["The email account", "5.1.1 does not exist"])
        #expect(try parse("550-5.1.1 a\r\n550 5.1.1 b\r\n") == [SMTPReply(code: 550, enhancedCode: EnhancedStatusCode(5, 1, 1),
            lines: ["a", "b"])])
        #expect(replies[3] == SMTPReply(354, nil, ""))
        // A code whose class disagrees with the reply is text.
        #expect(try parse("250 5.0.0 odd\r\n").first?.enhancedCode == nil)
    }

    @Test func malformed() {
        var parser = SMTPReplyParser(maximumLines: 2)
        #expect(throws: SMTPReplyParser.Error.malformedLine) { try parser.parse(line: Array("25".utf8)) }
        #expect(throws: SMTPReplyParser.Error.malformedLine) { try parser.parse(line: Array("250x".utf8)) }
        #expect(throws: SMTPReplyParser.Error.malformedLine) { try parser.parse(line: Array("099 x".utf8)) }
        // Found by the fuzzer: a code over 599 must not reach SMTPReply's precondition.
        #expect(throws: SMTPReplyParser.Error.malformedLine) { try parser.parse(line: Array("708 x".utf8)) }
        var other = SMTPReplyParser(maximumLines: 2)
        #expect(throws: SMTPReplyParser.Error.inconsistentCode) {
            _ = try other.parse(line: Array("250-a".utf8))
            _ = try other.parse(line: Array("251 b".utf8))
        }
        var flood = SMTPReplyParser(maximumLines: 2)
        #expect(throws: SMTPReplyParser.Error.tooManyLines) {
            for _ in 0..<3 { _ = try flood.parse(line: Array("250-a".utf8)) }
        }
    }
}
