import Testing
@testable import RuleEngine

/// RFC 5321 paths as OpenSMTPD's `smtp_mailaddr` reads them.
@Suite struct MailAddressValuesTests {
    func parse(_ path: String, mailFrom: Bool = false) -> String {
        do {
            let (address, parameters) = try MailAddress.parsePath(
                path, isMailFrom: mailFrom, defaultDomain: "mail.example.org")
            return "\(address.user)|\(address.domain)" + (parameters.isEmpty ? "" : " [\(parameters)]")
        } catch {
            return "error: \(error)"
        }
    }

    @Test func ordinaryAddresses() {
        #expect(parse("<joe@example.org>") == "joe|example.org")
        #expect(parse("<Joe.Smith+Tag@Example.ORG>") == "Joe.Smith+Tag|Example.ORG")
        #expect(parse("<joe@example.org> NOTIFY=NEVER  ORCPT=x") == "joe|example.org [NOTIFY=NEVER  ORCPT=x]")
        #expect(parse("<joe@[192.0.2.1]>") == "joe|[192.0.2.1]")
        #expect(parse("<joe@[IPv6:2001:db8::1]>") == "joe|[IPv6:2001:db8::1]")
        #expect(parse("<joe@ex_ample.org>") == "joe|ex_ample.org")
    }

    @Test func splitsAtTheLastAt() {
        #expect(parse("<a@b@example.org>") == "error: invalid local part")
        #expect(parse("<\"a@b\"@example.org>") == "error: invalid local part")
    }

    @Test func nullPathOnlyForMailFrom() {
        #expect(parse("<>", mailFrom: true) == "|")
        #expect(parse("<>") == "error: invalid local part")
    }

    @Test func bareUserGetsTheServerName() {
        #expect(parse("<postmaster>") == "postmaster|mail.example.org")
    }

    @Test func sourceRouteIsDropped() {
        #expect(parse("<@relay.example,@other.example:joe@example.org>") == "joe|example.org")
    }

    @Test func refusals() {
        #expect(parse("joe@example.org") == "error: the address must be written <user@domain>")
        #expect(parse("<joe@example.org") == "error: the address must be written <user@domain>")
        #expect(parse("<.joe@example.org>") == "error: invalid local part")
        #expect(parse("<jo..e@example.org>") == "error: invalid local part")
        #expect(parse("<joe.@example.org>") == "error: invalid local part")
        #expect(parse("<jo e@example.org>") == "error: invalid local part")
        #expect(parse("<joe@example.org.>") == "error: invalid domain")
        #expect(parse("<joe@-example.org>") == "error: invalid domain")
        #expect(parse("<joe@exa mple.org>") == "error: invalid domain")
        #expect(parse("<joe@a..b>") == "error: invalid domain")
        #expect(parse("<joe@[300.1.1.1]>") == "error: invalid domain")
        #expect(parse("<joe@[192.0.2.1]x>") == "error: invalid domain")
        #expect(parse("<joe@" + String(repeating: "a", count: 64) + ".org>") == "error: invalid domain")
        #expect(parse("<" + String(repeating: "a", count: 256) + "@example.org>") == "error: the address is too long")
    }

    /// `/` is allowed in a local part (MAILADDR_ALLOWED); the maildir path check refuses it later.
    @Test func slashIsAValidLocalPartCharacter() {
        #expect(parse("<a/b@example.org>") == "a/b|example.org")
    }

    @Test func commandLineArguments() throws {
        #expect(try MailAddress.parseArgument("joe@example.org", isMailFrom: false, defaultDomain: "x")
            == MailAddress(user: "joe", domain: "example.org"))
        #expect(try MailAddress.parseArgument("<>", isMailFrom: true, defaultDomain: "x") == .null)
        #expect(try MailAddress.parseArgument("", isMailFrom: true, defaultDomain: "x") == .null)
    }

    @Test func texts() {
        let address = MailAddress(user: "Joe+Tag", domain: "Example.org")
        #expect(address.text == "Joe+Tag@Example.org")
        #expect(address.replyText == "Joe+Tag@Example.org")
        #expect(MailAddress.null.text == "@")
        #expect(MailAddress.null.replyText == "")
        #expect(MailAddress(user: "postmaster", domain: "").replyText == "postmaster")
        #expect(address.lowercased == MailAddress(user: "joe+tag", domain: "example.org"))
        #expect(address.subaddress(delimiter: "+") == "Tag")
        #expect(address.strippingSubaddress(delimiter: "+") == MailAddress(user: "Joe", domain: "Example.org"))
        #expect(MailAddress(text: "@example.org") == MailAddress(user: "", domain: "example.org"))
        #expect(MailAddress(text: "joe") == MailAddress(user: "joe", domain: ""))
    }

    /// Only ASCII letters fold, as C's tolower in the "C" locale.
    @Test func lowercasingIsASCIIOnly() {
        #expect(MailAddress(user: "ÄBC", domain: "X").lowercased == MailAddress(user: "Äbc", domain: "x"))
    }

    @Test func clientAddressTexts() {
        #expect(SessionFacts.clientAddressText(forIP: "192.0.2.1") == "192.0.2.1")
        #expect(SessionFacts.clientAddressText(forIP: "::1") == "[::1]")
        #expect(SessionFacts.clientAddressText(forIP: "[2001:DB8:0::1]") == "[2001:db8::1]")
        #expect(SessionFacts.clientAddressText(forIP: "IPv6:::1") == "[::1]")
        #expect(SessionFacts.clientAddressText(forIP: "example.org") == nil)
    }

    @Test func replies() {
        let reply = RecipientReply(status: "550 Invalid recipient", recipient: MailAddress(text: "joe@example.org"))
        #expect(reply.line == "550 Invalid recipient: <joe@example.org>")
        #expect(reply.code == 550)
        #expect(!reply.isTemporary)
        #expect(RecipientReply(status: "424 4.2.4 Mailing list expansion problem", recipient: .null).line
            == "424 4.2.4 Mailing list expansion problem: <>")
    }
}
