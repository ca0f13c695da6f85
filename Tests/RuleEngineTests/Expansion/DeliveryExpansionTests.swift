import Testing
import RuleEngine

/// Each delivery method's target, with formats expanded as OpenSMTPD's delivery process would.
@Suite struct DeliveryExpansionTests {
    static let config = """
        table relays { "example.com" = "smtp+tls://mx.relay.example:587" }
        table smarthosts { "smtps://out.example.net" }
        mda wrapper "wrap" "/usr/bin/with-env %{mda}"
        action "maildir" maildir
        action "junk" maildir junk
        action "tilde" maildir "~/Mail/%{rcpt.user:lowercase}"
        action "vpath" maildir "/var/vmail/%{dest.domain}/%{dest.user}"
        action "as_vmail" maildir user "_vmail"
        action "mbox" mbox
        action "lmtp" lmtp "/run/dovecot/lmtp" rcpt-to
        action "mda" mda "/usr/bin/procmail -f %{sender} -a %{rcpt.user:strip}"
        action "wrapped" mda "/usr/bin/deliver %{user.username}" wrapper "wrap"
        action "bad" mda "/usr/bin/x %{nonsense}"
        action "smarthost" relay host <smarthosts>
        action "bydomain" relay domain <relays>
        match from any for domain "maildir.test" action "maildir"
        match from any for domain "junk.test" action "junk"
        match from any for domain "tilde.test" action "tilde"
        match from any for domain "vpath.test" action "vpath"
        match from any for domain "vmail.test" action "as_vmail"
        match from any for domain "mbox.test" action "mbox"
        match from any for domain "lmtp.test" action "lmtp"
        match from any for domain "mda.test" action "mda"
        match from any for domain "wrapped.test" action "wrapped"
        match from any for domain "bad.test" action "bad"
        match from any for domain "example.com" action "bydomain"
        match from any for domain "example.net" action "bydomain"
        match from any for any action "smarthost"

        """

    let fixture = EngineFixture(config)

    func deliveries(_ rcpt: String, from sender: String = "Sender@Example.NET") -> [String] {
        fixture.expand(rcpt, from: sender).deliveries
    }

    @Test func maildirVariants() {
        #expect(deliveries("joe@maildir.test") == ["joe@maildir.test maildir /home/joe/Maildir joe"])
        #expect(fixture.expand("joe@junk.test").envelopes.first?.delivery == .maildir(path: "/home/joe/Maildir", junk: true))
        #expect(deliveries("Joe+Lists@tilde.test") == ["Joe+Lists@tilde.test maildir /home/joe/Mail/joe+lists joe"])
        #expect(deliveries("joe+x@vpath.test") == ["joe+x@vpath.test maildir /var/vmail/vpath.test/joe+x joe"])
    }

    /// Without a path, mail.maildir uses $HOME/Maildir, and $HOME belongs to the user the delivery runs as.
    @Test func maildirUnderAnotherUser() {
        let result = fixture.expand("joe@vmail.test")
        #expect(result.deliveries == ["joe@vmail.test maildir /var/vmail/Maildir joe"])
        #expect(result.envelopes.first?.deliveryUser == "_vmail")
    }

    @Test func mboxAndLmtp() {
        #expect(deliveries("alice@mbox.test") == ["alice@mbox.test mbox /var/mail/alice alice"])
        #expect(fixture.expand("alice@lmtp.test").envelopes.first?.delivery
            == .lmtp(destination: "/run/dovecot/lmtp", rcptTo: true))
    }

    @Test func mdaCommandsAreExpanded() {
        #expect(deliveries("bob+folder@mda.test")
            == ["bob+folder@mda.test mda /usr/bin/procmail -f Sender@Example.NET -a bob bob"])
        #expect(deliveries("bob@wrapped.test") == ["bob@wrapped.test mda /usr/bin/with-env /usr/bin/deliver bob bob"])
    }

    /// A format OpenSMTPD could not expand fails its delivery; Tern refuses the recipient up front.
    @Test func unexpandableCommandRefusesTheRecipient() {
        let result = fixture.expand("bob@bad.test")
        #expect(result.replyLine == "550 Invalid recipient: <bob@bad.test>")
        #expect(result.refusal?.reason.hasPrefix("mda command \"/usr/bin/x %{nonsense}\" cannot be expanded") == true)
    }

    /// A `/` in the local part would add directories under the maildir root: refused.
    @Test func unsafeMaildirPathRefusesTheRecipient() {
        let config = """
            table v { "@v.test" = "_vmail" }
            action "v" maildir "/var/vmail/%{dest.domain}/%{dest.user}/Maildir" virtual <v>
            match from any for domain "v.test" action "v"

            """
        let result = EngineFixture(config).expand("a/b@v.test")
        #expect(result.replyLine == "550 Invalid recipient: <a/b@v.test>")
        #expect(result.refusal?.reason.contains("would put a '/' into the path") == true)
        #expect(EngineFixture(config).expand("ab@v.test").deliveries == ["ab@v.test maildir /var/vmail/v.test/ab/Maildir _vmail"])
    }

    @Test func relayRoutes() {
        #expect(deliveries("x@example.com") == ["x@example.com relay smtp+tls://mx.relay.example:587 -"])
        #expect(deliveries("x@example.net") == ["x@example.net relay unavailable:no relay for example.net in relays -"])
        #expect(deliveries("x@elsewhere.org") == ["x@elsewhere.org relay smtps://out.example.net -"])
        #expect(fixture.expand("x@elsewhere.org").envelopes.first?.user == nil)
    }
}
