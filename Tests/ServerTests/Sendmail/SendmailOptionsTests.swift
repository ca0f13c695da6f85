import Testing
@testable import Server

@Suite("sendmail command line")
struct SendmailOptionsTests {
    @Test func readsTheFlagsCallersUse() throws {
        let options = try SendmailOptions(arguments: ["-oi", "-t", "-fcron@example.org", "-F", "Cron Daemon", "-N",
            "failure", "admin@example.org", "-odq", "--", "-odd@example.org"])
        #expect(options.ignoreDots && options.recipientsFromHeaders)
        #expect(options.sender == "cron@example.org")
        #expect(options.fullName == "Cron Daemon")
        #expect(options.notify == "failure")
        #expect(options.recipients == ["admin@example.org", "-odd@example.org"])
        #expect(options.mode == .deliver)
    }

    @Test func modes() throws {
        #expect(try SendmailOptions(arguments: ["-bs"]).mode == .smtp)
        #expect(try SendmailOptions(arguments: ["-bp"]).mode == .listQueue)
        #expect(throws: SendmailOptions.UsageError.self) { try SendmailOptions(arguments: ["-bd"]) }
        #expect(throws: SendmailOptions.UsageError.self) { try SendmailOptions(arguments: ["-f"]) }
        #expect(throws: SendmailOptions.UsageError.self) { try SendmailOptions(arguments: ["-Z"]) }
    }

    @Test func recipientsFromHeaders() {
        let message = Array("""
            To: Joe <joe@example.org>, "Doe, Ann" <ann@example.org>,
             plain@example.org
            Cc: team: a@example.org, b@example.org;, (comment) c@example.org
            Bcc: hidden@example.org
            Subject: To: not@example.org

            To: body@example.org
            """.utf8)
        #expect(HeaderRecipients.addresses(in: message) == [
            "joe@example.org", "ann@example.org", "plain@example.org", "a@example.org", "b@example.org",
            "c@example.org", "hidden@example.org",
        ])
    }

    @Test func aLoneDotEndsTheMessageUnlessDashI() {
        let input = Array("Subject: x\n\nline\n.\nafter\n".utf8)
        #expect(SendmailCommand.readMessage(input, ignoreDots: false) == Array("Subject: x\n\nline\n".utf8))
        #expect(SendmailCommand.readMessage(input, ignoreDots: true) == input)
    }
}
