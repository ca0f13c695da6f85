import ConfParser
import Testing

@testable import RuleEngine

/// Lookups in static tables as OpenSMTPD's table_static.c answers them.
@Suite("Static table lookups")
struct StaticLookupTableTests {
    static func table(_ text: String, backend: StaticLookupTable.Backend = .static) throws -> StaticLookupTable {
        let contents = try StaticTableFile.parse(Array(text.utf8), path: "/t").contents
        return StaticLookupTable(name: "t", contents: contents, backend: backend)
    }

    @Test("exact services fold the key's case and compare whole keys")
    func exact() throws {
        let aliases = try Self.table("Root: alice\npostmaster: root\n")
        #expect(try aliases.lookup(.alias, key: "ROOT") == "alice")
        #expect(try aliases.lookup(.alias, key: "roo") == nil)
        #expect(try aliases.match(.string, key: "Postmaster"))
        #expect(try !aliases.match(.string, key: "postmaster "))
    }

    @Test("§14.5: matchers try the entries in sorted key order and the first match decides")
    func sortedOrderDecides() throws {
        // File order puts the specific entry first; byte order puts `*` (0x2A) before `m` (0x6D).
        let relays = try Self.table("mail.example.org  specific\n*.example.org  wildcard\n")
        #expect(try relays.lookup(.domain, key: "mail.example.org") == "wildcard")
        #expect(try relays.lookup(.domain, key: "www.example.org") == "wildcard")
        #expect(try relays.lookup(.domain, key: "a.b.example.org") == nil)
        // An exact service ignores the order: it compares the key.
        #expect(try relays.lookup(.relayhost, key: "mail.example.org") == "specific")
    }

    @Test("§14.2: netaddr on a name is an exact, case-insensitive comparison, never a wildcard")
    func netaddrOnNames() throws {
        let names = try Self.table("mx.example.org\n*.example.org\n")
        #expect(try names.match(.netaddr, key: "MX.example.org"))
        #expect(try !names.match(.netaddr, key: "a.example.org"))
        #expect(try names.match(.domain, key: "a.example.org"))
    }

    @Test("netaddr: exact text first, then CIDR, bracketed and IPv6: forms")
    func netaddr() throws {
        let sources = try Self.table("# @list\n10.0.0.0/8\n[2001:db8::1]\nlocal\nIPv6:2001:db8:1::/48\n")
        #expect(try sources.match(.netaddr, key: "10.1.2.3"))
        #expect(try sources.match(.netaddr, key: "[2001:db8::1]"))
        #expect(try sources.match(.netaddr, key: "[2001:DB8:1::7]"))
        #expect(try sources.match(.netaddr, key: "local"))
        #expect(try !sources.match(.netaddr, key: "192.0.2.1"))
        #expect(try !sources.match(.netaddr, key: "[::ffff:10.1.2.3]"))
    }

    @Test("mailaddr uses the table's sub-address delimiter")
    func mailaddr() throws {
        let contents = try StaticTableFile.parse(Array("batman@athome.tld\n@example.org\n".utf8), path: "/t").contents
        let plus = StaticLookupTable(name: "t", contents: contents)
        let dash = StaticLookupTable(name: "t", contents: contents, subaddressDelimiter: UInt8(ascii: "-"))
        #expect(try plus.match(.mailaddr, key: "Batman+news@athome.tld"))
        #expect(try !dash.match(.mailaddr, key: "batman+news@athome.tld"))
        #expect(try dash.match(.mailaddr, key: "batman-news@athome.tld"))
        #expect(try plus.match(.mailaddr, key: "anyone@example.org"))
    }

    @Test("regex: entries are patterns, lowercased with their table; invalid ones never match")
    func regex() throws {
        let patterns = try Self.table("# @list\n^[A-Z]+\\.example\\.org$\n(\n(?i)^ADMIN@\n")
        #expect(try patterns.match(.regex, key: "MAIL.example.org"))  // both sides are lowercased
        #expect(try patterns.match(.regex, key: "admin@example.org"))
        #expect(try !patterns.match(.regex, key: "mail.example.org.evil"))
        #expect(try !patterns.match(.regex, key: "("))
    }

    @Test("a list entry found by an exact service gives its key as value")
    func listValue() throws {
        // Without `# @list` the `:` would make this file a mapping (§14.4).
        let list = try Self.table("# @list\nsmtp+tls://relay.example.org\n")
        #expect(try list.lookup(.string, key: "smtp+tls://relay.example.org") == "smtp+tls://relay.example.org")
        #expect(try list.fetchAll(.relayhost) == ["smtp+tls://relay.example.org"])
    }

    @Test("fetchAll hands out keys in lookup order")
    func fetchAll() throws {
        let sources = try Self.table("# @list\n192.0.2.2\n192.0.2.10\n192.0.2.1\n")
        #expect(try sources.fetchAll(.source) == ["192.0.2.1", "192.0.2.10", "192.0.2.2"])
    }

    @Test("a key over 1023 bytes is an error (temporary failure), not a miss")
    func longKey() throws {
        let table = try Self.table("a b\n")
        #expect(throws: TableLookupError.self) { try table.lookup(.alias, key: String(repeating: "x", count: 1024)) }
        #expect(try table.lookup(.alias, key: String(repeating: "x", count: 1023)) == nil)
    }

    @Test("a db table's matcher lookup returns the matching key, as table_db.c does")
    func dbMatcherReturnsKey() throws {
        let db = try Self.table("*.example.org relay1\n", backend: .db)
        #expect(try db.lookup(.domain, key: "a.example.org") == "*.example.org")
        #expect(try db.lookup(.relayhost, key: "*.example.org") == "relay1")
    }

    @Test("inline tables: keys lowercased, values as written, later keys win")
    func inline() throws {
        let set = TableSet(config: Config(), localHost: LocalHostIdentity(serverName: "mx.example.org", addresses: []))
        let mapping = set.table(
            for: .inline(.mapping([.init(key: "Root", value: "Alice"), .init(key: "root", value: "Bob")]))
        )
        #expect(try mapping.lookup(.alias, key: "root") == "Bob")
        let list = set.table(for: .inline(.list(["Example.ORG"])))
        #expect(try list.match(.domain, key: "example.org"))
        let single = set.table(for: .string("*.Example.ORG"))
        #expect(try single.match(.domain, key: "www.example.org"))
    }
}
