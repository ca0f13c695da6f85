import Testing
@testable import Transport

@Suite("MailPath and address syntax")
struct MailPathTests {
    private func path(_ inside: String, null: Bool = true, utf8: Bool = false) -> MailPath? {
        try? MailPath.parse(inside: ArraySlice(inside.utf8), allowNull: null, allowUTF8: utf8)
    }

    @Test func nullPathOnlyWhereAllowed() {
        #expect(path("") == .null)
        #expect(path("", null: false) == nil)
        #expect(MailPath.null.description == "<>")
    }

    @Test(arguments: [
        "user@example.org", "first.last@example.org", "a!#$%&'*+/=?^_`{|}~-z@x.example", "user@[192.0.2.1]",
        "user@[IPv6:2001:db8::1]", "user@[2001:db8::1]", "user@a-b.c_d.example", "postmaster", "x@localhost",
        "@hop.example:user@example.org", "@a.example,@b.example:user@example.org",
    ])
    func valid(_ text: String) {
        #expect(path(text) != nil, "\(text)")
    }

    @Test(arguments: [
        "user@", "@example.org", ".user@example.org", "user.@example.org", "us..er@example.org", "us er@example.org",
        "\"quoted\"@example.org", "user@example.org.", "user@-example.org", "user@exa..mple.org", "user@[192.0.2.256]",
        "user@[IPv6:zz::]", "user@[192.0.2.1", "user@ex ample.org", "foo:bar@example.org", "@hop.example:",
        "@:user@example.org", "jörg@example.org", "user@bücher.example",
        String(repeating: "a", count: 256) + "@example.org", "user@" + String(repeating: "a", count: 64) + ".example",
    ])
    func invalid(_ text: String) {
        #expect(path(text) == nil, "\(text)")
    }

    @Test func splitsAtTheLastAt() {
        // OpenSMTPD splits with strrchr; a local part with '@' is not dot-atom, so this is refused.
        #expect(path("a@b@example.org") == nil)
        #expect(path("user@example.org") == .mailbox(Mailbox(localPart: "user", domain: "example.org")))
    }

    @Test func sourceRoutesAreDropped() {
        #expect(path("@relay.example:user@example.org") == .mailbox(Mailbox(localPart: "user", domain: "example.org")))
    }

    @Test func smtputf8AddressesNeedTheFlag() {
        #expect(path("jörg@bücher.example", utf8: true) == .mailbox(Mailbox(localPart: "jörg", domain: "bücher.example")))
        #expect(MailPath.mailbox(Mailbox(localPart: "jörg", domain: "x")).isASCII == false)
        // Ill-formed UTF-8 is refused even then.
        let bad = ArraySlice<UInt8>([0x61, 0xC3, 0x40, 0x62])
        #expect((try? MailPath.parse(inside: bad, allowNull: false, allowUTF8: true)) == nil)
    }

    @Test func unqualifiedAddressesTakeTheServerName() {
        let local = Mailbox(localPart: "postmaster", domain: nil)
        #expect(local.qualified(with: "mx.example.org") == Mailbox(localPart: "postmaster", domain: "mx.example.org"))
        #expect(Mailbox(localPart: "a", domain: "b").qualified(with: "c").domain == "b")
    }

    @Test func hostnamesFollowGlibcResHnok() {
        func ok(_ name: String) -> Bool { AddressSyntax.isValidDomain(Array(name.utf8), allowUTF8: false) }
        // Checked against res_hnok() of Debian 12's glibc 2.36.
        #expect(ok("a.b") && ok("a-.b") && ok("a_b.c") && ok("_a.b") && ok("1.2.3.4") && ok("a") && ok("a.-b"))
        #expect(!ok("a..b") && !ok("-a.b") && !ok(".a") && !ok("a b") && !ok(""))
    }
}
