import Testing
@testable import ConfParser

@Suite("Parser: action")
struct ActionTests {
    @Test func seedActions() {
        let p = Parsed("""
            table aliases { root = "kiki" }
            table virtuals { "batman@athome.tld" = "_vmail" }
            action "sendthismail" relay
            action local_mail maildir alias <aliases>
            action virtual_maildir maildir "/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase}/Maildir" virtual <virtuals>
            match from any for domain athome.tld action virtual_maildir
            match from any for local action local_mail
            match auth from any for any action "sendthismail"
            match for any action "sendthismail"
            """)
        #expect(!p.failed, "\(p.lines)")
        #expect(p.config.actions.map(\.method) == [
            .relay, .maildir(path: nil, junk: false),
            .maildir(path: "/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase}/Maildir", junk: false),
        ])
        #expect(p.config.actions[2].virtual == .named("virtuals"))
        #expect(p.config.rules[2].auth == .init() && p.config.rules[2].from == .init(source: .any))
    }

    @Test func everyMethodAndOption() {
        let p = Parsed.withRule("""
            table creds { label = "user:pass" }
            table ub { joe = "1000:1000:/home/joe" }
            srs key "secret"
            mda wrapper w "/usr/bin/wrap %{mda}"
            action m1 mbox alias { root = "joe" } userbase <ub>
            action m2 maildir junk user joe wrapper w
            action m3 maildir "~/Mail" junk
            action m4 lmtp "/run/dovecot/lmtp" rcpt-to virtual { "@" = "joe" }
            action m5 mda "/usr/bin/procmail -f -" ttl 2h
            action m6 forward-only
            action m7 expand-only
            action r1 relay host "smtp+tls://label@smtp.example.com:587" auth <creds> tls no-verify helo mx.example.com mail-from "bounce@example.com" srs pki x ca y src { 192.0.2.1 } ttl 1d
            action r2 relay backup mx "mx.example.com"
            action r3 relay domain { example.com = "smtp://relay" }
            """)
        #expect(!p.failed, "\(p.lines)")
        let r1 = p.config.action(named: "r1")!
        #expect(r1.tls == .requiredNoVerify && r1.srs && r1.ttl?.seconds == 86400 && r1.helo == "mx.example.com")
        #expect(p.config.action(named: "m4")!.method == .lmtp(destination: "/run/dovecot/lmtp", rcptTo: true))
        #expect(p.config.action(named: "r2")!.backupMX == "mx.example.com")
    }

    @Test(arguments: [
        ("action \"a\" mbox\naction \"a\" mbox", ["F:2: dispatcher already declared with that name: a"]),
        ("action a mbox user joe", ["F:1: user may not be specified for this dispatcher"]),
        ("action a forward-only user joe", ["F:1: user may not be specified for forward-only"]),
        ("action a maildir alias { a = b } virtual { c = d }", ["F:1: alias mapping already specified for this dispatcher"]),
        ("action a maildir alias \"foo\"", ["F:1: table \"<dynamic:0>\" may not be used for alias lookups"]),
        ("action a maildir wrapper w", ["F:1: no mda wrapper with that name: w"]),
        ("action r relay backup host \"x\"", ["F:1: host mapping already specified for this dispatcher"].map { _ in "F:1: backup and host are mutually exclusive" }),
        ("action r relay auth { a = b }", ["F:1: auth may not be specified without host on a dispatcher"]),
        ("action r relay srs", ["F:1: an srs key is required for srs to be specified in an action"]),
        ("action r relay ttl 0d", ["F:1: ttl delay \"0\" is invalid"]),
        ("action r relay ttl 1x", ["F:1: ttl delay \"1x\" is invalid"]),
        ("action r relay ttl 5", ["F:1: syntax error"]),
    ])
    func errors(_ text: String, _ lines: [String]) {
        #expect(Parsed.withRule(text).lines == lines)
    }
}
