import Testing
import RuleEngine

/// ~/.forward handling, `forward-only` and `expand-only`. The replies and delivery orders were checked against
/// Debian's OpenSMTPD 6.8 with the same files (owned by the user, mode 644).
@Suite struct ForwardExpansionTests {
    static let config = """
        table aliases file:/etc/mail/aliases
        table users file:/etc/mail/users
        action "local_mail" mbox alias <aliases> userbase <users>
        action "fwd" forward-only userbase <users>
        action "exp" expand-only userbase <users>
        action "out" relay
        match from any for domain "example.org" action "local_mail"
        match from any for domain "fwd.example.org" action "fwd"
        match from any for domain "exp.example.org" action "exp"
        match from local for any action "out"

        """

    static let users = """
        joe 1000:1000:/home/joe
        alice 1001:1001:/home/alice
        bob 1002:1002:/home/bob
        self2 1003:1003:/home/self2
        big 1004:1004:/home/big
        parse 1005:1005:/home/parse
        insecure 1006:1006:/home/insecure
        busy 1007:1007:/home/busy

        """

    static let files = FakeFiles(forwards: [
        "joe": FakeFiles.forward("alice@example.org, \\joe\n"),
        "bob": FakeFiles.forward("# only a comment\n"),
        "self2": FakeFiles.forward("\"|/usr/bin/procmail -d self2\"\n"),
        "big": FakeFiles.forward(String(repeating: "alice\n", count: 1000)),
        "parse": FakeFiles.forward("alice, bad entry!\n"),
        "insecure": .permanentFailure("/home/insecure/.forward: unsecure file"),
        "busy": .temporaryFailure("Too many open files"),
    ])

    let fixture = EngineFixture(
        config, tableFiles: ["/etc/mail/aliases": "self2: joe, self2\n", "/etc/mail/users": users])

    func expand(_ rcpt: String) -> ExpansionResult { fixture.expand(rcpt, files: Self.files) }

    /// `\joe` in joe's own .forward keeps a copy; the other address is routed again.
    @Test func forwardWithOwnCopy() {
        #expect(expand("joe@example.org").deliveries == [
            "joe@example.org mbox /var/mail/joe joe",
            "alice@example.org mbox /var/mail/alice alice",
        ])
    }

    /// A .forward holding only comments counts as empty: deliver to the user.
    @Test func commentOnlyForwardDelivers() {
        #expect(expand("bob@example.org").deliveries == ["bob@example.org mbox /var/mail/bob bob"])
    }

    /// Commands in a user's .forward run as that user.
    @Test func nestedAliasAndForwards() {
        #expect(expand("self2@example.org").deliveries == [
            "self2@example.org mbox /var/mail/joe joe",
            "self2@example.org pipe /usr/bin/procmail -d self2 self2",
            "alice@example.org mbox /var/mail/alice alice",
        ])
    }

    @Test func forwardFailures() {
        #expect(expand("big@example.org").replyLine == "424 4.2.4 Mailing list expansion problem: <big@example.org>")
        #expect(expand("parse@example.org").replyLine
            == "424 4.2.4 Mailing list expansion problem: <parse@example.org>")
        #expect(expand("insecure@example.org").replyLine
            == "524 5.2.4 Mailing list expansion problem: <insecure@example.org>")
        #expect(expand("busy@example.org").replyLine == "424 4.2.4 Mailing list expansion problem: <busy@example.org>")
    }

    @Test func forwardOnly() {
        #expect(expand("alice@fwd.example.org").replyLine
            == "424 4.2.4 Mailing list expansion problem: <alice@fwd.example.org>")
        // A command is not a forward.
        #expect(expand("self2@fwd.example.org").replyLine == "451 Temporary failure: <self2@fwd.example.org>")
        // The address is forwarded; OpenSMTPD also queues a local copy it cannot deliver, Tern drops it.
        #expect(expand("joe@fwd.example.org").deliveries == ["alice@example.org mbox /var/mail/alice alice"])
    }

    @Test func expandOnly() {
        #expect(expand("alice@exp.example.org").replyLine
            == "524 5.2.4 Mailing list expansion problem: <alice@exp.example.org>")
        #expect(expand("self2@exp.example.org").deliveries == [
            "self2@exp.example.org pipe /usr/bin/procmail -d self2 self2"
        ])
    }

    /// A .forward that adds nothing new (only elements already in the tree) counts as empty.
    @Test func forwardAddingNothingDelivers() {
        let files = FakeFiles(forwards: ["alice": FakeFiles.forward("\\alice\n")])
        // `\alice` is a same-user element: it is new, so the copy is delivered through it.
        #expect(fixture.expand("alice@example.org", files: files).deliveries == [
            "alice@example.org mbox /var/mail/alice alice"
        ])
    }

    /// An action with `user X` does not read the .forward of other users (OpenSMTPD 7.5 and later).
    @Test func deliveryUserSkipsOtherUsersForward() {
        let config = """
            table users file:/etc/mail/users
            action "as_vmail" maildir "/var/vmail/%{user.username}" userbase <users> user "_vmail"
            match from any for domain "example.org" action "as_vmail"

            """
        let fixture = EngineFixture(config, tableFiles: ["/etc/mail/users": Self.users])
        let result = fixture.expand("joe@example.org", files: Self.files)
        #expect(result.deliveries == ["joe@example.org maildir /var/vmail/joe joe"])
        #expect(result.envelopes.first?.deliveryUser == "_vmail")
    }

    /// More than 100 elements while reading a .forward is a temporary failure.
    @Test func tooManyElements() {
        let many = (0..<101).map { "user\($0)@example.net" }.joined(separator: ", ")
        let files = FakeFiles(forwards: ["alice": FakeFiles.forward(many + "\n")])
        #expect(fixture.expand("alice@example.org", files: files).replyLine
            == "424 4.2.4 Mailing list expansion problem: <alice@example.org>")
    }
}
