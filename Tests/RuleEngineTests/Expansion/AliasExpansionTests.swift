import Testing
import RuleEngine

/// aliases(5) expansion. Every reply below was checked against Debian's OpenSMTPD 6.8 with the same aliases,
/// users and rules (RCPT TO over SMTP, `smtpd -d -T expand`).
@Suite struct AliasExpansionTests {
    static let config = """
        table aliases file:/etc/mail/aliases
        table users file:/etc/mail/users
        action "local_mail" mbox alias <aliases> userbase <users>
        action "out" relay
        match from any for domain "example.org" action "local_mail"
        match from local for any action "out"

        """

    static let aliases = """
        a: b
        b: a
        root: root, joe
        c0: c1
        c1: c2
        c2: c3
        c3: c4
        c4: c5
        c5: c6
        c6: c7
        c7: c8
        c8: c9
        c9: c10
        c10: joe
        d0: d1
        d1: d2
        d2: d3
        d3: d4
        d4: d5
        d5: d6
        d6: d7
        d7: d8
        d8: joe
        e0: e1
        e1: e2
        e2: e3
        e3: e4
        e4: e5
        e5: e6
        e6: e7
        e7: joe
        bad: error:550 No such person here
        tmp: error:450 Try again later
        list: :include:/etc/mail/list.txt
        ghost: :include:/etc/mail/nonexistent
        empty: :include:/etc/mail/empty.txt
        broken: alice # admin
        alice+x: bob
        prog: "|/bin/cat"
        arch: /var/archive
        ext: someone@example.com
        dup: joe, joe, JOE
        mixed: joe, error:550 Nope
        self2: joe, self2

        """

    static let users = """
        joe 1000:1000:/home/joe
        alice 1001:1001:/home/alice
        bob 1002:1002:/home/bob
        root 0:0:/root
        self2 1003:1003:/home/self2

        """

    static let files = FakeFiles(includes: [
        "/etc/mail/list.txt": "alice\n# comment line\nbob #\njoe\n",
        "/etc/mail/empty.txt": "",
    ])

    let fixture = EngineFixture(
        config, tableFiles: ["/etc/mail/aliases": aliases, "/etc/mail/users": users])

    func expand(_ rcpt: String) -> ExpansionResult { fixture.expand(rcpt, files: Self.files) }

    /// `a: b`, `b: a`: the second `a` is a duplicate of the first, so nothing is left to deliver.
    @Test func aliasLoopEndsIn524() {
        let result = expand("a@example.org")
        #expect(result.replyLine == "524 5.2.4 Mailing list expansion problem: <a@example.org>")
        #expect(result.refusal?.reason == "the expansion produced no delivery")
    }

    /// `root: root, joe`: the inner `root` is not looked up again. Elements go in sorted order.
    @Test func selfReferenceIsDeliveredOnce() {
        #expect(expand("root@example.org").deliveries == [
            "root@example.org mbox /var/mail/joe joe",
            "root@example.org mbox /var/mail/root root",
        ])
    }

    @Test func depthLimit() {
        // The address is level 0, c0 level 1, … c9 level 10: too deep.
        #expect(expand("c0@example.org").replyLine == "524 5.2.4 Mailing list expansion problem: <c0@example.org>")
        // d0 … d8 then joe at level 10: too deep as well.
        #expect(expand("d0@example.org").replyLine == "524 5.2.4 Mailing list expansion problem: <d0@example.org>")
        // One level less works.
        #expect(expand("e0@example.org").deliveries == ["e0@example.org mbox /var/mail/joe joe"])
    }

    @Test func errorEntriesReplyWithTheirOwnText() {
        #expect(expand("bad@example.org").replyLine == "550 No such person here: <bad@example.org>")
        let temporary = expand("tmp@example.org")
        #expect(temporary.replyLine == "450 Try again later: <tmp@example.org>")
        #expect(temporary.refusal?.reply.isTemporary == true)
        // Elements go in sorted order (users before errors): joe is reached first, then the error refuses all.
        #expect(expand("mixed@example.org").replyLine == "550 Nope: <mixed@example.org>")
    }

    /// In include files `#` continues a line and is not a comment: `# comment line` is an invalid element, and
    /// `bob #` joins `joe` into the invalid `bob joe`. Only alice is left.
    @Test func includeFileQuirks() {
        #expect(expand("list@example.org").deliveries == ["list@example.org mbox /var/mail/alice alice"])
    }

    /// A missing include file contributes nothing and does not count as an alias; `ghost` is then looked up as a
    /// user, and there is none.
    @Test func missingIncludeFallsBackToTheUser() {
        #expect(expand("ghost@example.org").replyLine == "550 Invalid recipient: <ghost@example.org>")
    }

    /// An empty include file counts as an alias that expands to nothing.
    @Test func emptyIncludeEndsIn524() {
        #expect(expand("empty@example.org").replyLine == "524 5.2.4 Mailing list expansion problem: <empty@example.org>")
    }

    /// There are no comments in table values: `alice # admin` cannot be read, a temporary failure.
    @Test func unreadableValueIsATemporaryFailure() {
        #expect(expand("broken@example.org").replyLine
            == "424 4.2.4 Mailing list expansion problem: <broken@example.org>")
    }

    @Test func subaddressTags() {
        // `alice+x` has an alias of its own.
        #expect(expand("alice+x@example.org").deliveries == ["alice+x@example.org mbox /var/mail/bob bob"])
        // `alice+y` has not: the tag is dropped for the alias and the userbase, and kept as EXTENSION.
        let tagged = expand("alice+y@example.org")
        #expect(tagged.deliveries == ["alice+y@example.org mbox /var/mail/alice alice"])
        #expect(tagged.envelopes.first?.subaddress == "y")
        #expect(expand("joe+news@example.org").deliveries == ["joe+news@example.org mbox /var/mail/joe joe"])
    }

    @Test func unknownUserIs550() {
        let result = expand("nobody@example.org")
        #expect(result.replyLine == "550 Invalid recipient: <nobody@example.org>")
        #expect(result.refusal?.reason == "no user nobody in the userbase")
    }

    /// Commands and files from an aliases table run as the smtpd user.
    @Test func commandsAndFiles() {
        #expect(expand("prog@example.org").deliveries == ["prog@example.org pipe /bin/cat _smtpd"])
        #expect(expand("arch@example.org").deliveries == ["arch@example.org file /var/archive _smtpd"])
    }

    /// An address an alias produces goes through the rules again as an internal address (`from local` matches).
    @Test func expandedAddressIsRoutedAgain() {
        #expect(expand("ext@example.org").deliveries == ["someone@example.com relay mx:example.com -"])
    }

    /// Duplicates within a value are dropped; `JOE` is a different element (OpenSMTPD delivers twice).
    @Test func duplicates() {
        #expect(expand("dup@example.org").deliveries == [
            "dup@example.org mbox /var/mail/joe JOE",
            "dup@example.org mbox /var/mail/joe joe",
        ])
    }

    @Test func selfReferenceAmongOthers() {
        #expect(expand("self2@example.org").deliveries == [
            "self2@example.org mbox /var/mail/joe joe",
            "self2@example.org mbox /var/mail/self2 self2",
        ])
    }

    /// The table failing is a temporary failure (424), not a refusal.
    @Test func failingAliasTable() {
        let fixture = EngineFixture(
            Self.config, tableFiles: ["/etc/mail/aliases": Self.aliases, "/etc/mail/users": Self.users],
            extraTables: ["aliases": FakeTable.failing("aliases")])
        #expect(fixture.expand("joe@example.org").replyLine
            == "424 4.2.4 Mailing list expansion problem: <joe@example.org>")
    }

    /// The userbase failing gives OpenSMTPD's plain temporary failure.
    @Test func failingUserbase() {
        let fixture = EngineFixture(
            Self.config, tableFiles: ["/etc/mail/aliases": Self.aliases, "/etc/mail/users": Self.users],
            extraTables: ["users": FakeTable.failing("users")])
        #expect(fixture.expand("joe@example.org").replyLine == "451 Temporary failure: <joe@example.org>")
    }
}
