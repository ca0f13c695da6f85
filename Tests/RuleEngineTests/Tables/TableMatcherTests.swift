import Testing

@testable import RuleEngine

/// OpenSMTPD's matchers, one by one (table.c, util.c), with the edge cases of smtpd-conf.md §5 and §14.
@Suite("Table matchers")
struct TableMatcherTests {
    @Test(
        "domain: case-insensitive, `*` without backtracking",
        arguments: [
            ("example.org", "example.org", true),
            ("Example.ORG", "example.org", true),
            ("a.example.org", "*.example.org", true),
            ("a.b.example.org", "*.example.org", false),  // §14.3: the `*` stops at the first dot
            ("example.org", "*.example.org", false),
            ("anything.at.all", "*", true),
            ("", "*", false),
            ("mx1.example.org", "mx*.example.org", true),
            ("mxa.b.example.org", "mx*.example.org", false),
            ("example.org", "example.or", false),
            ("example.or", "example.org", false),
            ("a.example.org", "**.example.org", true),
            ("abc", "a*", true),
            ("abc", "*c", true),
            ("abcbc", "*bc", false),  // the `*` stops at the first b: `bcbc` then fails against `bc`
        ]
    )
    func domain(name: String, pattern: String, expected: Bool) {
        #expect(DomainMatcher.matches(name, pattern: pattern) == expected)
    }

    @Test(
        "mailaddr: `@` catches all, `@dom` by domain, users without case, tags stripped unless the entry has one",
        arguments: [
            ("batman@athome.tld", "@", true),
            ("@", "@", true),
            ("batman@athome.tld", "@athome.tld", true),
            ("batman@ATHOME.tld", "@athome.tld", true),
            ("batman@sub.athome.tld", "@*.athome.tld", true),
            ("batman@athome.tld", "@other.tld", false),
            ("batman@athome.tld", "batman", true),
            ("Batman@elsewhere", "batman", true),
            ("batman+news@athome.tld", "batman@athome.tld", true),
            ("batman+news@athome.tld", "batman+news@athome.tld", true),
            ("batman+other@athome.tld", "batman+news@athome.tld", false),
            ("batman@athome.tld", "batman+news@athome.tld", false),
            ("robin@athome.tld", "batman@athome.tld", false),
            ("batman", "batman@athome.tld", false),  // no domain on the candidate
            ("a@b@athome.tld", "a@b@athome.tld", true),  // split at the last @
        ]
    )
    func mailaddr(address: String, pattern: String, expected: Bool) {
        #expect(MailAddressPattern(text: pattern)?.matches(address) == expected)
    }

    @Test("mailaddr: the delimiter is the configured one")
    func mailaddrDelimiter() throws {
        let pattern = try #require(MailAddressPattern(text: "batman@athome.tld"))
        #expect(pattern.matches("batman-news@athome.tld", delimiter: UInt8(ascii: "-")))
        #expect(!pattern.matches("batman+news@athome.tld", delimiter: UInt8(ascii: "-")))
    }

    @Test("mailaddr: parts of 256 bytes or more never match")
    func mailaddrLimits() {
        let user = String(repeating: "u", count: 256)
        #expect(MailAddressPattern(text: user + "@x") == nil)
        #expect(MailAddressPattern(text: "@") != nil)
        let pattern = MailAddressPattern(user: "", domain: "")
        #expect(!pattern.matches(user + "@x"))
    }

    @Test(
        "netaddr: text forms",
        arguments: [
            ("192.0.2.1", NetAddress(address: .ipv4(0xC000_0201), bits: 32)),
            ("10.0.0.0/8", NetAddress(address: .ipv4(0x0A00_0000), bits: 8)),
            ("IPv6:192.0.2.1", NetAddress(address: .ipv4(0xC000_0201), bits: 32)),
            ("::1", NetAddress(address: .ipv6(0, 1), bits: 128)),
            ("[::1]", NetAddress(address: .ipv6(0, 1), bits: 128)),
            ("[IPv6:::1]", NetAddress(address: .ipv6(0, 1), bits: 128)),
            ("ipv6:[ipv6:::1]", NetAddress(address: .ipv6(0, 1), bits: 128)),
            ("2001:db8::/32", NetAddress(address: .ipv6(0x2001_0DB8_0000_0000, 0), bits: 32)),
            ("::/0", NetAddress(address: .ipv6(0, 0), bits: 0)),
        ]
    )
    func netaddrForms(text: String, expected: NetAddress) {
        #expect(NetAddress(text: text) == expected)
    }

    @Test(
        "netaddr: not addresses",
        arguments: ["local", "example.org", "[1.2.3.4]", "::1/129", "[::1", "::1/x", "1.2.3.4.5"]
    )
    func netaddrRejected(text: String) {
        #expect(NetAddress(text: text) == nil)
    }

    @Test(
        "netaddr: containment by the entry's mask, same family only",
        arguments: [
            ("10.0.0.0/8", "10.200.3.4", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("10", "10.1.2.3", true),  // class A width
            ("192.0.2.1", "192.0.2.1", true),
            ("192.0.2.1", "192.0.2.2", false),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("0.0.0.0/0", "[::1]", false),
            ("::/0", "[2001:db8::1]", true),
            ("::/0", "192.0.2.1", false),
            ("2001:db8::/33", "[2001:db8:7fff::1]", true),
            ("2001:db8::/33", "[2001:db8:8000::1]", false),
            ("::ffff:0:0/96", "192.0.2.1", false),  // IPv4-mapped IPv6 is IPv6
            ("[::1]", "[::1]", true),
        ]
    )
    func netaddrContains(entry: String, candidate: String, expected: Bool) throws {
        let network = try #require(NetAddress(text: entry))
        let address = try #require(NetAddress(text: candidate))
        #expect(network.contains(address) == expected)
    }

    @Test("regex: POSIX ERE, unanchored, (?i), invalid never matches")
    func regex() throws {
        let anywhere = try #require(TableRegex(pattern: "ex.mple"))
        #expect(anywhere.matches("mail.example.org"))
        let anchored = try #require(TableRegex(pattern: "^mail\\.(a|b)\\.org$"))
        #expect(anchored.matches("mail.b.org"))
        #expect(!anchored.matches("xmail.b.org"))
        let caseless = try #require(TableRegex(pattern: "(?i)^ABC$"))
        #expect(caseless.matches("abc"))
        let bounded = try #require(TableRegex(pattern: "^a{2,3}$"))
        #expect(bounded.matches("aaa") && !bounded.matches("aaaa"))
        #expect(TableRegex(pattern: "a(") == nil)
        #expect(TableRegex(pattern: "(?i)[") == nil)
    }

    @Test("strtonum: whole text, one sign, bounds")
    func strtonum() {
        func parse(_ text: String) -> Int64? { StrToNum.parse(Substring(text), in: 0...128) }
        #expect(parse("64") == 64)
        #expect(parse(" +7") == 7)
        #expect(parse("-0") == 0)
        #expect(parse("129") == nil)
        #expect(parse("-1") == nil)
        #expect(parse("") == nil)
        #expect(parse("8 ") == nil)
        #expect(parse("0x10") == nil)
        #expect(parse("99999999999999999999") == nil)
    }
}
