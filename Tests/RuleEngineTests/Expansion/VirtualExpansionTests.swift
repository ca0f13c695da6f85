import Testing
import RuleEngine

/// `virtual <t>`: key order, catch-alls, case, loops. Checked against Debian's OpenSMTPD 6.8 (lookups traced with
/// `smtpd -d -T lookup`).
@Suite struct VirtualExpansionTests {
    static let config = """
        table virt file:/etc/mail/virtual
        table vusers file:/etc/mail/vusers
        action "v" maildir "/var/vm/%{dest.user}" virtual <virt> userbase <vusers>
        action "out" relay
        match from any for domain "v.example" action "v"
        match from any for domain "w.example" action "v"
        match from local for any action "out"

        """

    static let virtual = """
        joe+lists@v.example vuser1
        joe@v.example vuser2
        ann+x vuser3
        ann vuser4
        @v.example catchall
        @ vuser5
        loop@v.example loop@v.example
        alias@v.example joe@v.example, ann@v.example
        outside@v.example someone@example.com
        err@v.example error:550 Gone away
        mixed@v.example Joe@V.Example, joe@v.example

        """

    static let userbase = ["vuser1", "vuser2", "vuser3", "vuser4", "vuser5", "catchall"]
        .map { "\($0) 2000:2000:/var/vm\n" }.joined()

    let fixture = EngineFixture(config, tableFiles: ["/etc/mail/virtual": virtual, "/etc/mail/vusers": userbase])

    func deliveredUsers(_ rcpt: String) -> [String] { fixture.expand(rcpt).envelopes.map { $0.user ?? "-" } }

    /// `user+tag@domain`, `user@domain`, `user+tag`, `user`, `@domain`, `@`.
    @Test func keyOrder() {
        #expect(deliveredUsers("joe+lists@v.example") == ["vuser1"])
        #expect(deliveredUsers("joe+other@v.example") == ["vuser2"])
        #expect(deliveredUsers("ann+x@v.example") == ["vuser3"])
        #expect(deliveredUsers("ann+y@v.example") == ["vuser4"])
        #expect(deliveredUsers("zed@v.example") == ["catchall"])
        #expect(deliveredUsers("zed@w.example") == ["vuser5"])
    }

    @Test func exactEntryBeatsCatchAll() {
        #expect(deliveredUsers("joe@v.example") == ["vuser2"])
    }

    @Test func lookupsFoldCaseButDestKeepsIt() {
        let result = fixture.expand("JOE@V.EXAMPLE")
        #expect(result.deliveries == ["JOE@V.EXAMPLE maildir /var/vm/JOE vuser2"])
    }

    /// An address that maps to itself is not a duplicate (its parent differs each time): it recurses until the
    /// depth limit.
    @Test func selfMappingHitsTheDepthLimit() {
        #expect(fixture.expand("loop@v.example").replyLine
            == "524 5.2.4 Mailing list expansion problem: <loop@v.example>")
    }

    /// One-to-many, in sorted order: ann before joe.
    @Test func oneToMany() {
        #expect(fixture.expand("alias@v.example").deliveries == [
            "ann@v.example maildir /var/vm/ann vuser4",
            "joe@v.example maildir /var/vm/joe vuser2",
        ])
    }

    @Test func mappingToARemoteAddressRelays() {
        #expect(fixture.expand("outside@v.example").deliveries == ["someone@example.com relay mx:example.com -"])
    }

    @Test func errorEntry() {
        #expect(fixture.expand("err@v.example").replyLine == "550 Gone away: <err@v.example>")
    }

    /// Differently cased addresses are different elements, each delivered under its own `%{dest}`.
    @Test func differentlyCasedDuplicates() {
        #expect(fixture.expand("mixed@v.example").deliveries == [
            "Joe@V.Example maildir /var/vm/Joe vuser2",
            "joe@v.example maildir /var/vm/joe vuser2",
        ])
    }

    @Test func duplicatesUnderOneAddressAreDropped() {
        let fixture = EngineFixture(
            Self.config,
            tableFiles: [
                "/etc/mail/virtual": "list@v.example joe@v.example, joe@v.example, joe@v.example\njoe@v.example vuser2\n",
                "/etc/mail/vusers": Self.userbase,
            ])
        #expect(fixture.expand("list@v.example").deliveries == ["joe@v.example maildir /var/vm/joe vuser2"])
    }

    @Test func noEntryIs524AndATableErrorIs424() {
        let empty = EngineFixture(
            Self.config, tableFiles: ["/etc/mail/virtual": "joe@v.example vuser2\n", "/etc/mail/vusers": Self.userbase])
        #expect(empty.expand("zed@v.example").replyLine == "524 5.2.4 Mailing list expansion problem: <zed@v.example>")
        let failing = EngineFixture(
            Self.config, tableFiles: ["/etc/mail/virtual": Self.virtual, "/etc/mail/vusers": Self.userbase],
            extraTables: ["virt": FakeTable.failing("virt")])
        #expect(failing.expand("joe@v.example").replyLine
            == "424 4.2.4 Mailing list expansion problem: <joe@v.example>")
    }

    /// `smtp sub-addr-delim` changes what a tag is, for lookups and for `:strip`.
    @Test func customSubaddressDelimiter() {
        let config = """
            smtp sub-addr-delim "-"
            table virt file:/etc/mail/virtual
            table vusers file:/etc/mail/vusers
            action "v" maildir "/var/vm/%{dest.user:strip}" virtual <virt> userbase <vusers>
            match from any for domain "v.example" action "v"

            """
        let fixture = EngineFixture(
            config, tableFiles: ["/etc/mail/virtual": "joe@v.example vuser2\n", "/etc/mail/vusers": Self.userbase])
        #expect(fixture.expand("joe-news@v.example").deliveries == ["joe-news@v.example maildir /var/vm/joe vuser2"])
        #expect(fixture.expand("joe+news@v.example").replyLine
            == "524 5.2.4 Mailing list expansion problem: <joe+news@v.example>")
    }
}
