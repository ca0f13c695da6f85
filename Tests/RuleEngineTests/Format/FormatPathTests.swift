import Testing

@testable import RuleEngine

/// `FormatExpander.expandPath`: envelope values fill in path components but never add, climb or hide one.
@Suite struct FormatPathTests {
    static let vmail = "/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase}/Maildir"

    private func context(dest user: String, _ domain: String = "athome.tld") -> FormatContext {
        var context = FormatFixtureCase.envelope
        context.dest = .init(user: user, domain: domain)
        return context
    }

    private func path(_ template: String, _ context: FormatContext) throws(FormatError) -> FormatExpansionResult {
        try FormatExpander.expandPath(template, context: context)
    }

    private func refusal(_ template: String, _ context: FormatContext) -> String? {
        do {
            _ = try path(template, context)
            return nil
        } catch {
            return error.message
        }
    }

    /// The virtual-user set-up from the seed how-to.
    @Test func virtualMaildirKeepsTheTag() throws {
        #expect(
            try path(Self.vmail, context(dest: "batman+news")) == .expanded("/var/vmail/athome.tld/batman+news/Maildir")
        )
        #expect(
            try path(Self.vmail, context(dest: "Batman+News", "AtHome.TLD"))
                == .expanded("/var/vmail/athome.tld/batman+news/Maildir")
        )
    }

    @Test func stripDropsTheTag() throws {
        let template = "/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase|strip}/Maildir"
        #expect(try path(template, context(dest: "batman+news")) == .expanded("/var/vmail/athome.tld/batman/Maildir"))
    }

    @Test func ordinaryDotsAreFine() throws {
        #expect(
            try path(Self.vmail, context(dest: "john.smith.")) == .expanded("/var/vmail/athome.tld/john.smith./Maildir")
        )
        #expect(try path("~/Maildir/.%{dest.user}", context(dest: "lists")) == .expanded("/home/joe/Maildir/.lists"))
    }

    @Test func slashFromTheEnvelopeIsRefused() {
        // OpenSMTPD 6.8 accepts '/' in a local part (MAILADDR_ALLOWED) and would nest directories.
        #expect(
            refusal(Self.vmail, context(dest: "batman/Maildir/cur"))
                == "%{dest.user} would put a '/' into the path (\"batman/maildir/cur\")"
        )
        #expect(refusal(Self.vmail, context(dest: "x", "athome.tld/..")) != nil)
        #expect(refusal("/m/%{rcpt}", context(dest: "x")) == nil)
        var sender = context(dest: "x")
        sender.sender = .init(user: "a/b", domain: "x")
        #expect(refusal("/m/%{sender}", sender) != nil)
    }

    @Test func leadingDotFromTheEnvelopeIsRefused() {
        #expect(
            refusal(Self.vmail, context(dest: ".ssh"))
                == "%{dest.user} would start the path component '.ssh' with a '.'"
        )
        #expect(refusal(Self.vmail, context(dest: "..")) == "%{dest.user} would make the path component '..'")
        #expect(refusal(Self.vmail, context(dest: ".")) == "%{dest.user} would make the path component '.'")
    }

    @Test func slicesCannotManufactureDotComponents() {
        let dotted = context(dest: "a.b")
        #expect(refusal("/m/%{dest.user[1]}/x", dotted) == "%{dest.user} would make the path component '.'")
        #expect(refusal("/m/.%{dest.user[1]}", dotted) == "%{dest.user} would make the path component '..'")
        #expect(refusal("/m/%{dest.user[1:]}", dotted) == "%{dest.user} would start the path component '.b' with a '.'")
    }

    @Test func theAdministratorsTextIsTrusted() throws {
        var odd = context(dest: "x")
        odd.userDirectory = "/srv/../home/joe"
        odd.userName = ".joe"
        #expect(try path("~/../%{user.username}/./x", odd) == .expanded("/srv/../home/joe/../.joe/./x"))
    }

    @Test func nulIsRefused() {
        #expect(refusal(Self.vmail, context(dest: "a\u{0}b")) == "the path would contain a NUL byte")
    }

    @Test func commandExpansionDoesNotApplyThePathRule() throws {
        #expect(
            try FormatExpander.expand("deliver %{dest.user}", context: context(dest: "a/b")) == .expanded("deliver a/b")
        )
    }

    @Test func unexpandedPathsStayUnexpanded() throws {
        #expect(try path("/var/vmail/%{dest.user", context(dest: "../x")) == .unexpanded)
    }

    @Test func expansionErrorsStillThrow() {
        #expect(refusal("/var/%{nope}", context(dest: "x")) == "unknown token 'nope'")
    }
}
