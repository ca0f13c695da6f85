import ConfParser
import Testing

@testable import RuleEngine

/// The typed lookups: a value that does not read is a failure (a temporary one), never a miss.
@Suite("Typed table lookups")
struct TypedLookupTests {
    static func table(_ pairs: [(String, String)]) -> StaticLookupTable {
        StaticLookupTable(
            name: "t",
            contents: TableContents(kind: .hash, addingLowercasedKeys: pairs.map { (key: $0.0, value: $0.1) })
        )
    }

    @Test("userinfo and credentials: good values read, bad ones fail")
    func userInfoAndCredentials() throws {
        let table = Self.table([
            ("vmail", "2000:2000:/var/vmail"), ("broken", "2000:/var/vmail"), ("relay", "joe:secret"), ("short", "ab"),
        ])
        #expect(
            try table.userInfo(for: "VMail") == .init(username: "vmail", uid: 2000, gid: 2000, directory: "/var/vmail")
        )
        #expect(try table.userInfo(for: "nobody") == nil)
        #expect(throws: TableLookupError.self) { try table.userInfo(for: "broken") }
        #expect(try table.credentials(for: "relay") == .init(username: "joe", password: "secret"))
        #expect(throws: TableLookupError.self) { try table.credentials(for: "short") }
    }

    @Test("senders lists, relay URLs, address names and source addresses")
    func otherValues() throws {
        let table = Self.table([
            ("alice", "alice@example.org, @example.net"), ("bad", "\"open"),
            ("example.org", "smtp+tls://relay@mx.example.net:587"),
            ("192.0.2.1", "mx1.example.org"), ("not-an-address", "mx2.example.org"),
            ("192.0.2.2", String(repeating: "n", count: 65)),
        ])
        #expect(try table.mailAddressList(for: "Alice")?.map(\.description) == ["alice@example.org", "@example.net"])
        #expect(throws: TableLookupError.self) { try table.mailAddressList(for: "bad") }
        #expect(try table.relayHostURL(for: "example.org") == "smtp+tls://relay@mx.example.net:587")
        #expect(try table.addressName(for: "192.0.2.1") == "mx1.example.org")
        #expect(throws: TableLookupError.self) { try table.addressName(for: "not-an-address") }
        #expect(throws: TableLookupError.self) { try table.addressName(for: "192.0.2.2") }

        let sources = StaticLookupTable(
            name: "src",
            contents: TableContents(
                kind: .list,
                addingLowercasedKeys: [(key: "192.0.2.9", value: nil), (key: "::1", value: nil)]
            )
        )
        #expect(try sources.sourceAddresses().map(\.address) == [.ipv4(0xC000_0209), .ipv6(0, 1)])
        let badSources = StaticLookupTable(
            name: "src",
            contents: TableContents(kind: .list, addingLowercasedKeys: [(key: "10.0.0.0/8", value: nil)])
        )
        #expect(throws: TableLookupError.self) { try badSources.sourceAddresses() }
    }

    @Test("keys: ASCII folded, other bytes kept, cut at NUL, at most 1023 bytes")
    func keys() throws {
        #expect(try TableLookupKey.folded("ÉtÉ@Example.ORG", table: "t") == "ÉtÉ@example.org")
        #expect(try TableLookupKey.folded("user\u{0}ignored", table: "t") == "user")
        #expect(throws: TableLookupError.self) {
            try TableLookupKey.folded(String(repeating: "k", count: 1024), table: "t")
        }
    }

    @Test("failing tables say why")
    func failing() {
        let table = FailingTable.unsupported(name: "users", backend: "ldap")
        #expect(throws: TableLookupError(table: "users", reason: "backend ldap is not supported by Tern yet")) {
            try table.lookup(.credentials, key: "alice")
        }
    }

    @Test("db tables from the parse serve lookups", .enabled(if: TypedLookupTests.hasBerkeleyDB))
    func dbTable() throws {
        var config = Config()
        config.tables = [TableDecl(name: "aliases", source: .backend(name: "db", config: Self.databasePath))]
        let tables = TableSet(config: config, localHost: LocalHostIdentity(serverName: "mx", addresses: []))
        #expect(tables.loadProblems.isEmpty)
        let table = try #require(tables.table(named: "aliases") as? StaticLookupTable)
        #expect(table.backend == .db)
        #expect(try table.lookup(.alias, key: "Postmaster") == "root")
    }

    /// `Tests/Fixtures/tables/t.db`, written by Debian's makemap: `postmaster root`.
    static let databasePath: String = {
        let parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        return parts.joined(separator: "/") + "/Fixtures/tables/t.db"
    }()

    static let hasBerkeleyDB: Bool = {
        do throws(TableLoadError) {
            _ = try BerkeleyDBTableFile.load(path: databasePath)
            return true
        } catch {
            return !error.reason.hasPrefix("db: tables need libdb")
        }
    }()
}
