import Testing
import RuleEngine

/// The virtual-user set-up of the seed how-to (/work/shared/seed), as written there.
@Suite struct SeedExpansionTests {
    static let config = """
        # Generic configuration
        ## Tables
        table aliases "/etc/mail/aliases"
        table passwd "/etc/mail/passwd"
        table virtuals "/etc/mail/virtuals"
        ## Certificates
        pki athome.tld key "/etc/ssl/private/athome.tld.key"
        pki athome.tld cert "/etc/ssl/athome.tld.crt"
        ## Listening ports
        ### Reception
        listen on all tls pki athome.tld
        ### Sending with a mail client
        listen on all port submission tls-require pki athome.tld auth <passwd>
        action "sendthismail" relay
        action local_mail maildir alias <aliases>
        action virtual_maildir maildir "/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase}/Maildir" virtual <virtuals>
        # In/Out
        ## Reception
        ### Message for virtual users
        match from any for domain athome.tld action virtual_maildir
        ### Message for system users
        match from any for local action local_mail
        ## Sending
        match auth from any for any action "sendthismail"
        match for any action "sendthismail"

        """

    static let tableFiles = [
        "/etc/mail/aliases": "root: joe\npostmaster: root\n",
        "/etc/mail/passwd": "batman@athome.tld:$2b$08$abc\n",
        "/etc/mail/virtuals": """
            heroes@athome.tld batman@athome.tld,superman@athome.tld
            batman@athome.tld _vmail
            superman@athome.tld _vmail
            kiki@athome.tld _vmail

            """,
    ]

    let fixture = EngineFixture(config, tableFiles: tableFiles)

    @Test func virtualUserGetsHerMaildir() {
        let result = fixture.expand("batman@athome.tld")
        #expect(result.deliveries == ["batman@athome.tld maildir /var/vmail/athome.tld/batman/Maildir _vmail"])
        let envelope = result.envelopes.first
        #expect(envelope?.deliveryUser == "_vmail")
        #expect(envelope?.userInfo?.directory == "/var/vmail")
        #expect(envelope?.actionName == "virtual_maildir")
        #expect(envelope?.ruleIndex == 0)
        #expect(result.decision == .accept(ruleIndex: 0, action: "virtual_maildir"))
    }

    @Test func heroesReachBatmanAndSuperman() {
        let result = fixture.expand("heroes@athome.tld")
        #expect(result.deliveries == [
            "batman@athome.tld maildir /var/vmail/athome.tld/batman/Maildir _vmail",
            "superman@athome.tld maildir /var/vmail/athome.tld/superman/Maildir _vmail",
        ])
        #expect(result.envelopes.allSatisfy { $0.rcpt == MailAddress(text: "heroes@athome.tld") })
    }

    /// OpenSMTPD 6.8 keeps the tag in `%{dest.user}`: the copy lands in a folder of its own.
    @Test func taggedAddressKeepsItsTagInThePath() {
        let result = fixture.expand("batman+news@athome.tld")
        #expect(result.deliveries == [
            "batman+news@athome.tld maildir /var/vmail/athome.tld/batman+news/Maildir _vmail"
        ])
    }

    @Test func stripDropsTheTag() {
        let stripped = Self.config.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix("action virtual_maildir")
                ? "action virtual_maildir maildir \"/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase|strip}/Maildir\" virtual <virtuals>"
                : String($0)
        }.joined(separator: "\n")
        let result = EngineFixture(stripped, tableFiles: Self.tableFiles).expand("batman+news@athome.tld")
        #expect(result.deliveries == [
            "batman+news@athome.tld maildir /var/vmail/athome.tld/batman/Maildir _vmail"
        ])
    }

    @Test func caseIsFoldedForLookupsOnly() {
        let result = fixture.expand("BatMan@AtHome.TLD")
        #expect(result.deliveries == ["BatMan@AtHome.TLD maildir /var/vmail/athome.tld/batman/Maildir _vmail"])
    }

    @Test func unknownVirtualUserIsRefusedWith524() {
        let result = fixture.expand("unknown@athome.tld")
        #expect(result.replyLine == "524 5.2.4 Mailing list expansion problem: <unknown@athome.tld>")
        #expect(result.decision == .accept(ruleIndex: 0, action: "virtual_maildir"))
    }

    @Test func authenticatedClientRelaysOutside() {
        var session = SessionFacts.remote("203.0.113.9")
        session.authenticatedUser = "batman@athome.tld"
        let result = fixture.expand("someone@example.com", session: session)
        #expect(result.deliveries == ["someone@example.com relay mx:example.com -"])
        #expect(result.decision == .accept(ruleIndex: 2, action: "sendthismail"))
    }

    @Test func unauthenticatedOutsiderCannotRelay() {
        let result = fixture.expand("someone@example.com", session: .remote("203.0.113.9"))
        #expect(result.replyLine == "550 Invalid recipient: <someone@example.com>")
        #expect(result.decision?.summary == "reject")
    }

    @Test func localSenderMayRelay() {
        let result = fixture.expand("someone@example.com", session: .remote("127.0.0.1"))
        #expect(result.decision == .accept(ruleIndex: 3, action: "sendthismail"))
        #expect(result.deliveries == ["someone@example.com relay mx:example.com -"])
    }

    @Test func systemUserThroughAliases() {
        let result = fixture.expand("postmaster@mail.example.org")
        #expect(result.deliveries == ["postmaster@mail.example.org maildir /home/joe/Maildir joe"])
    }
}
