import Testing
@testable import ConfParser

@Suite("Parser: tables, pki, filters and global options")
struct TableAndGlobalTests {
    @Test func tableBackends() {
        let p = Parsed.withRule("""
            table a "/a"
            table b file:/a
            table c getpwnam
            table d sqlite:/etc/mail/sqlite.conf
            table e { k = v, k2 => v2 }
            table f { x y
              z }
            """, tables: ["/a": "k v\n"])
        #expect(!p.failed, "\(p.lines)")
        #expect(p.config.tables.map(\.source) == [
            .backend(name: "", config: "/a"), .backend(name: "file", config: "/a"),
            .backend(name: "getpwnam", config: nil), .backend(name: "sqlite", config: "/etc/mail/sqlite.conf"),
            .inline(.mapping([.init(key: "k", value: "v"), .init(key: "k2", value: "v2", arrow: true)])),
            .inline(.list(["x", "y", "z"])),
        ])
    }

    @Test(arguments: [
        ("table aliases aliases:etc", ["F:1: invalid backend parameter for table: aliases"]),
        ("table t foobar:/x", ["smtpd: table_create: backend \"foobar\" does not exist"]),
        ("table t \"/missing\"", ["/missing: fopen: No such file or directory",
                                  "F:1: invalid configuration file /missing for table t"]),
        ("table t { }", ["F:1: syntax error"]),
        ("table t { a, b = c }", ["F:1: syntax error"]),
        ("table t { 25 }", ["F:1: syntax error"]),
        ("table t getpwnam:/x", ["F:1: invalid configuration file /x for table t"]),
    ])
    func tableErrors(_ text: String, _ lines: [String]) {
        #expect(Parsed.withRule(text).lines == lines)
    }

    @Test func newlinesInsideBracesAsIn75() {
        #expect(!Parsed.withRule("table t {\n  a,\n  b\n}").failed)
    }

    @Test func pkiAndCa() {
        let p = Parsed.withRule("pki MX.example.com cert \"/c\"\npki mx.example.com key \"/k\" dhe auto\nca ca1 cert \"/ca\"")
        #expect(!p.failed)
        #expect(p.config.pkis == [PKIDecl(name: "mx.example.com", certFile: "/c", keyFile: "/k", dhe: "auto")])
        #expect(Parsed.withRule("pki \"foo bar\" cert \"/c\"").lines == ["F:1: not a valid domain name: foo bar"])
        #expect(Parsed.withRule("pki x dhe maybe").lines == ["F:1: invalid DHE keyword: maybe"])
        #expect(Parsed.withRule("pki x certificate \"/c\"").lines == ["F:1: syntax error"])
    }

    @Test func filters() {
        let p = Parsed.withRule("""
            proc p1 "/usr/bin/filter" user _f group _g chroot "/var/empty"
            filter f1 proc p1
            filter f2 proc-exec "filter-rspamd" user _r
            filter f3 phase mail-from match !mail-from regex { ".*@bad" } reject "550 no"
            filter f4 phase commit match auth report "x"
            filter c chain { f1, f2 f3 }
            """)
        #expect(!p.failed, "\(p.lines)")
        #expect(p.config.filters.last?.kind == .chain(["f1", "f2", "f3"]))
        #expect(Parsed.withRule("filter f phase commit match auth junk").lines == ["F:1: syntax error"])
        #expect(Parsed.withRule("filter f phase connect match helo { x } junk").lines == ["F:1: syntax error"])
        #expect(Parsed.withRule("filter f proc nope").lines == ["F:1: no processor exist with that name: nope"])
        #expect(Parsed.withRule("filter a phase connect match rdns junk\nfilter c chain { a }\nfilter d chain { c }").lines
                    == ["F:3: no filter chain allowed within a filter chain: c"])
    }

    @Test func globalOptions() {
        let p = Parsed.withRule("""
            smtp limit max-mails 10 max-rcpt 20
            smtp max-message-size 1.5M
            smtp sub-addr-delim "-"
            queue ttl 2d
            queue encryption 0123456789abcdef0123456789abcdef
            queue compression
            mta max-deferred 50
            mta limit for domain example.org inet4 max-conn-per-host 2
            mda limit max-session 10
            scheduler limit max-inflight 100
            bounce warn-interval 1h, 2h, 3h, 4h, 5h
            srs ttl 7d
            admd "example.org"
            """)
        #expect(!p.failed, "\(p.lines)")
        let o = p.config.options
        #expect(o.smtpMaxMails == 10 && o.smtpMaxRcpt == 20 && o.smtpMaxMessageSize == 1_572_864)
        #expect(o.subAddressDelimiter == "-" && o.queueTTL?.seconds == 172_800 && o.queueCompression)
        #expect(o.bounceWarnIntervals?.count == 5 && o.srsTTL?.seconds == 7 * 86400)
        #expect(p.result.diagnostics.contains { $0.severity == .warning && $0.message.contains("first 4") })
    }

    @Test(arguments: [
        ("smtp limit max-foo 3", "F:1: invalid session limit keyword: max-foo"),
        ("smtp max-message-size 10Q", "F:1: invalid size: 10Q"),
        ("smtp sub-addr-delim \"--\"", "F:1: subaddressing-delimiter must be one character"),
        ("smtp sub-addr-delim \"@\"", "F:1: sub-addr-delim uses invalid character"),
        ("srs ttl 3h", "F:1: ttl delay \"3\" is too short"),
        ("queue ttl 4x", "F:1: invalid ttl delay: 4x"),
        ("mta limit max-conn 3", "F:1: invalid mta limit keyword: max-conn"),
        ("mda wrapper w \"a\"\nmda wrapper w \"b\"", "F:2: mda wrapper already declared with that name: w"),
    ])
    func globalErrors(_ text: String, _ message: String) {
        #expect(Parsed.withRule(text).lines == [message])
    }
}
