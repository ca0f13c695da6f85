import Foundation
import Testing

@testable import ConfParser

/// Hand-written configurations, parsed, printed and compared with their canonical text (and round-tripped).
@Suite("Printer statements")
struct PrinterStatementTests {
    @Test func kitchenSink() {
        PrinterTestSupport.expectCanonical(
            PrinterSamples.kitchenSink.replacingOccurrences(of: "@DIR@", with: "/fixtures"),
            Self.kitchenSinkCanonical)
    }

    static let kitchenSinkCanonical = #"""
        smtp limit max-mails 10 max-rcpt 50
        smtp max-message-size 35M
        smtp sub-addr-delim "-"
        smtp ciphers "HIGH:!aNULL"
        queue compression
        queue encryption "0123456789abcdef0123456789abcdef"
        queue ttl 4d
        mta max-deferred 200
        mta limit max-conn-per-host 10
        mta limit for domain "example.com" inet6 conn-delay-route 5 session-mail-max 20
        mda limit max-session 10 max-session-per-user 3 task-lowat 30 task-hiwat 50 task-release 10
        scheduler limit max-inflight 100 max-evp-batch-size 256 max-msg-batch-size 1024 max-schedule 10
        bounce warn-interval 1h, 6h, 2d
        srs key "secret"
        srs key backup "old-secret"
        srs ttl 30d
        admd "mx.example.com"

        mda wrapper "wrap" "/usr/bin/env %{mda}"

        table "aliases" "/fixtures/aliases1"
        table "domains" "file:/fixtures/t_domains"
        table "pw" "getpwnam"
        table "dbt" "db:/fixtures/t.db"
        table "sql" "sqlite:/etc/mail/sqlite.conf"
        table "users" { "alice" = "alice@example.com", "bob" => "bob@example.org" }
        table "nets" { "10.0.0.0/8", "::1" }
        table "creds" { "lbl" = "user:pass" }
        table "helos" { "127.0.0.1" = "mx.example.com" }
        table "doms" { "example.com" = "smtp://mx.example.com:2525" }

        pki "mx.example.com" cert "/fixtures/test.crt" key "/fixtures/test.key" dhe auto
        pki "*" cert "/fixtures/test.crt" key "/fixtures/test.key"

        ca "myca" cert "/fixtures/test.crt"

        proc "rspamd" "/usr/bin/filter-rspamd" user "_rspamd" group "_rspamd" chroot "/var/empty"

        filter "f-proc" proc "rspamd"
        filter "f-exec" proc-exec "filter-senderscore -blockBelow 10" user "nobody" group "nogroup" chroot "/"
        filter "f-rdns" phase connect match !rdns disconnect "550 no rDNS"
        filter "f-fcrdns" phase connect match !fcrdns junk
        filter "f-src" phase connect match src regex { "^10\." } bypass
        filter "f-rdns-t" phase helo match rdns <"domains"> report "rdns"
        filter "f-rdns-re" phase helo match !rdns regex "^mail" bypass
        filter "f-helo" phase ehlo match !helo regex "^localhost$" reject "550 bad helo"
        filter "f-auth" phase mail-from match !auth reject "530 auth first"
        filter "f-auth-t" phase rcpt-to match auth <"users"> bypass
        filter "f-auth-re" phase data match auth regex "^adm" junk
        filter "f-mf" phase mail-from match mail-from "@spam.example" rewrite "postmaster@example.com"
        filter "f-rt" phase rcpt-to match rcpt-to regex "^noreply@" reject "550 no"
        filter "f-data" phase data match src <"nets"> bypass
        filter "f-commit" phase commit match !fcrdns disconnect "421 bye"
        filter "f-auth-phase" phase auth match rdns junk
        filter "chained" chain { "f-rdns", "f-fcrdns", "f-proc" }

        listen on socket filter "f-exec" mask-src tag "local"

        listen on "lo" inet4 port 2525 tls pki "mx.example.com" ca "myca" auth <"users"> tag "T1" hostname "mx.example.com" hostnames <"helos"> senders <"users"> masquerade mask-src received-auth no-dsn proxy-v2 filter "chained"
        listen on "lo" port smtps smtps verify pki "*" auth-optional filter { "f-rdns", "f-helo" }
        listen on "lo" inet6 port "submission" tls-require verify pki "mx.example.com" auth
        listen on "127.0.0.1" port smtp tls-require
        listen on "localhost" port 2526 senders <"users">

        action "mbox" mbox alias <"aliases"> ttl 2d
        action "maildir" maildir
        action "maildir-junk" maildir junk virtual <"users"> userbase <"pw">
        action "maildir-path" maildir "~/Maildir" junk user "vmail" wrapper "wrap"
        action "lmtp" lmtp "/var/run/dovecot/lmtp" rcpt-to alias <"aliases">
        action "lmtp2" lmtp "127.0.0.1:24" userbase <"sql">
        action "mda" mda "/usr/bin/procmail -f -" user "nobody" ttl 1h
        action "fwd" forward-only alias <"dbt">
        action "exp" expand-only virtual { "@" = "vmail" }
        action "relay" relay ttl 3d
        action "smarthost" relay host "smtp+tls://lbl@smtp.example.com:587" auth <"creds"> tls no-verify helo "mx.example.com" helo-src <"helos"> src <"nets"> mail-from "bounce@example.com" pki "mx.example.com" ca "myca" filter { "f-proc" } srs
        action "backup" relay backup mx "mx2.example.com" tls filter "chained"
        action "backup2" relay backup
        action "by-domain" relay domain <"doms"> tls

        match from any for domain <"domains"> action "mbox"
        match !tag regex "^T" from src <"nets"> for domain regex { "example\.(com|org)$" } !helo "x.example" auth { "alice", "bob" } !tls action "maildir"
        match from socket for any action "relay"
        match from local for local action "maildir-junk"
        match !from rdns for any reject
        match from rdns regex "\.example\.com$" for any reject
        match from rdns { "mx.example.com" } !for local action "smarthost"
        match from any for any auth action "smarthost"
        match from any for any auth regex "^adm" action "backup"
        match from any for any !auth { "alice", "bob" } reject
        match from any for any mail-from "@example.com" rcpt-to regex "^a" action "lmtp"
        match from local for any rcpt-to <"nets"> action "lmtp2"
        match tag "T1" from local for local helo regex { "^mail\." } tls action "exp"
        match from local for any !mail-from <"nets"> !rcpt-to { "x@y" } action "fwd"
        match !from src regex "^192\." !for domain "example.org" action "by-domain"
        match from local for local auth mail-from regex "^a" action "maildir-path"
        match from local for local action "mda"
        match from local for local reject

        """#

    /// One source and its canonical text.
    struct Case: Sendable, CustomTestStringConvertible {
        var source: String
        var expected: String
        var testDescription: String { source }
        init(_ source: String, _ expected: String) {
            self.source = source
            self.expected = expected
        }
    }

    /// How each form is normalised; a statement that needs a declaration gets it in `source` and `expected`.
    static let cases: [Case] = [
        // Globals: numbers bare, sizes as written, delays bare, strings quoted.
        Case("smtp max-message-size 1048576", "smtp max-message-size 1048576"),
        Case("smtp max-message-size \"1048576\"", "smtp max-message-size 1048576"),
        Case("smtp max-message-size \"035\"", "smtp max-message-size \"035\""),
        Case("smtp max-message-size 1.5G", "smtp max-message-size 1.5G"),
        Case("smtp limit max-rcpt 5", "smtp limit max-rcpt 5"),
        Case("smtp sub-addr-delim '\"'", "smtp sub-addr-delim '\"'"),
        Case("smtp sub-addr-delim _", "smtp sub-addr-delim \"_\""),
        Case("queue encryption", "queue encryption"),
        Case("queue encryption stdin", "queue encryption \"stdin\""),
        Case("queue encryption \"-\"", "queue encryption \"stdin\""),
        Case("queue ttl \"4d\"", "queue ttl 4d"),
        Case("mta limit for domain \"relay\" max-conn-per-route -1",
             "mta limit for domain \"relay\" max-conn-per-route -1"),
        Case("bounce warn-interval 1h,2h,3h,4h,5h", "bounce warn-interval 1h, 2h, 3h, 4h, 5h"),
        Case("mda limit max-session 1\nmda limit task-lowat 2", "mda limit max-session 1 task-lowat 2"),
        Case("srs ttl 1d", "srs ttl 1d"),
        // Tables: the backend argument as written, inline elements comma-separated, `=>` kept.
        Case("table t \"/etc/x\"", "table \"t\" \"/etc/x\""),
        Case("table t static:/etc/x", "table \"t\" \"static:/etc/x\""),
        Case("table \"domain\" { 'a\"b', x y }", "table \"domain\" { 'a\"b', \"x\", \"y\" }"),
        Case("table t { A => b, c = d }", "table \"t\" { \"A\" => \"b\", \"c\" = \"d\" }"),
        Case("table t {\na,\nb\n}", "table \"t\" { \"a\", \"b\" }"),
        // pki names are stored lowercase; a pki line without options is valid in 6.8.
        Case("pki MX.Example.COM cert \"/c\"\npki mx.example.com key \"/k\"",
             "pki \"mx.example.com\" cert \"/c\" key \"/k\""),
        Case("pki mail", "pki \"mail\""),
        Case("pki x dhe LEGACY", "pki \"x\" dhe legacy"),
        Case("ca X cert \"/c\"", "ca \"x\" cert \"/c\""),
        // Listeners: ports, service names, listener pki names as written.
        Case("listen on ::1 port 25", "listen on \"::1\" port 25"),
        Case("listen on lo port \"smtp\"", "listen on \"lo\" port smtp"),
        Case("listen on lo port smtps smtps", "listen on \"lo\" port smtps smtps"),
        Case("listen on lo port submission", "listen on \"lo\" port \"submission\""),
        Case("pki host1 cert \"/c\"\nlisten on lo tls pki HOST1",
             "pki \"host1\" cert \"/c\"\n\nlisten on \"lo\" tls pki \"HOST1\""),
        Case("listen on lo tls auth \"/etc/creds\"", "listen on \"lo\" tls auth \"/etc/creds\""),
        Case("listen on \"socket\"", "listen on \"socket\""),
        Case("listen on socket", "listen on socket"),
        // Actions.
        Case("action a maildir junk", "action \"a\" maildir junk"),
        Case("action a maildir \"junk\"", "action \"a\" maildir \"junk\""),
        Case("action \"relay\" relay", "action \"relay\" relay"),
        Case("action a lmtp \"/s\" rcpt-to ttl 10m", "action \"a\" lmtp \"/s\" rcpt-to ttl 10m"),
        Case("table c { l = \"u:p\" }\naction r relay tls host \"smtp://x\" auth <c>",
             "table \"c\" { \"l\" = \"u:p\" }\n\naction \"r\" relay host \"smtp://x\" auth <\"c\"> tls"),
        // Match rules: defaults filled in; `from auth`, `from mail-from` and `for rcpt-to` split.
        Case("action a mbox\nmatch action a", "action \"a\" mbox\n\nmatch from local for local action \"a\""),
        Case("match ! from any reject", "match !from any for local reject"),
        Case("table t { x }\nmatch from auth <t> for any reject",
             "table \"t\" { \"x\" }\n\nmatch from any for any auth <\"t\"> reject"),
        Case("match !from auth reject", "match from any for local !auth reject"),
        Case("match from mail-from regex \"^x\" reject", "match from any for local mail-from regex \"^x\" reject"),
        Case("match for rcpt-to { a@b } reject", "match from local for any rcpt-to { \"a@b\" } reject"),
        Case("match from src 127.0.0.1 reject", "match from src \"127.0.0.1\" for local reject"),
        Case("match !tls !for any reject", "match from local !for any !tls reject"),
        Case("match tag \"relay\" reject", "match tag \"relay\" from local for local reject"),
        // Filters.
        Case("filter f phase connect match rdns { a } junk", "filter \"f\" phase connect match rdns { \"a\" } junk"),
        Case("filter f proc-exec cmd", "filter \"f\" proc-exec \"cmd\""),
        Case("filter a phase connect match fcrdns bypass\nfilter b phase connect match rdns bypass\n"
                + "filter c chain { a b }",
             "filter \"a\" phase connect match fcrdns bypass\nfilter \"b\" phase connect match rdns bypass\n"
                + "filter \"c\" chain { \"a\", \"b\" }"),
        Case("filter a phase connect match fcrdns bypass\nlisten on socket filter { a }",
             "filter \"a\" phase connect match fcrdns bypass\n\nlisten on socket filter { \"a\" }"),
    ]

    @Test(arguments: cases)
    func canonicalForm(_ testCase: Case) {
        PrinterTestSupport.expectCanonical(testCase.source, testCase.expected + "\n")
    }

    /// OpenSMTPD 7.x options, which Tern accepts and prints as they were.
    @Test func newerOptions() {
        PrinterTestSupport.expectCanonical(
            #"""
            pki a cert "/a.crt" key "/a.key"
            pki b cert "/b.crt" key "/b.key"
            listen on socket no-dsn
            listen on lo tls pki a pki B ciphers "HIGH" protocols "tlsv1.3"
            action r relay host "smtp://x" tls ciphers "HIGH:!aNULL" protocols "tlsv1.2:tlsv1.3"
            match for any action r
            """#,
            #"""
            pki "a" cert "/a.crt" key "/a.key"
            pki "b" cert "/b.crt" key "/b.key"

            listen on socket no-dsn

            listen on "lo" tls pki "a" pki "B" ciphers "HIGH" protocols "tlsv1.3"

            action "r" relay host "smtp://x" tls ciphers "HIGH:!aNULL" protocols "tlsv1.2:tlsv1.3"

            match from local for any action "r"

            """#)
    }

    @Test func emptyConfigurationPrintsNothing() {
        #expect(ConfigPrinter.print(Config()).isEmpty)
    }

    /// What the grammar cannot say is left out rather than printed wrongly.
    @Test func inexpressibleValuesAreLeftOut() {
        var config = Config()
        config.cas = [CADecl(name: "noca")]
        config.options.bounceWarnIntervals = []
        var listener = Listener(interface: "lo")
        listener.masquerade = true
        config.listeners = [listener]
        var local = Action(name: "l", method: .mbox)
        local.host = .string("smtp://x")
        var relay = Action(name: "r", method: .relay)
        relay.user = "u"
        relay.backupMX = "mx"
        config.actions = [local, relay]
        #expect(ConfigPrinter.print(config) == """
            listen on "lo"

            action "l" mbox
            action "r" relay

            """)
    }
}
