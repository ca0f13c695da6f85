import ConfParser
import Testing

@testable import RuleEngine

/// The tables OpenSMTPD makes before reading the configuration (smtpd-conf.md §4).
@Suite("Built-in tables")
struct BuiltinTableTests {
    static let identity = LocalHostIdentity(
        serverName: "MX.Example.org",
        addresses: ["127.0.0.1", "192.0.2.2", "[::1]", "[fe80::1]"]
    )
    static let tables = TableSet(config: Config(), localHost: identity)

    static func table(_ name: String) throws -> any LookupTable {
        try #require(tables.table(named: name))
    }

    @Test("<localhost>: local and every interface address, for `from local`")
    func localhost() throws {
        let table = try Self.table("<localhost>")
        for key in ["local", "127.0.0.1", "192.0.2.2", "[::1]", "[fe80::1]"] {
            #expect(try table.match(.netaddr, key: key), "\(key)")
        }
        #expect(try !table.match(.netaddr, key: "192.0.2.3"))
        #expect(try !table.match(.netaddr, key: "[::2]"))
    }

    @Test("<anyhost>: local, 0.0.0.0/0 and ::/0, for `from any`")
    func anyhost() throws {
        let table = try Self.table("<anyhost>")
        for key in ["local", "203.0.113.7", "[2001:db8::1]"] {
            #expect(try table.match(.netaddr, key: key), "\(key)")
        }
        #expect(try !table.match(.netaddr, key: "unknown"))
    }

    @Test("<localnames>: localhost, the server name, and every address with 6.8's bracketings")
    func localnames() throws {
        #expect(
            BuiltinTables.localnames(Self.identity) == [
                "localhost", "MX.Example.org", "127.0.0.1", "[127.0.0.1]", "192.0.2.2", "[192.0.2.2]", "[::1]",
                "[[::1]]", "[ipv6:[::1]]", "[fe80::1]", "[[fe80::1]]", "[ipv6:[fe80::1]]",
            ]
        )
        let table = try Self.table("<localnames>")
        for key in ["localhost", "mx.example.org", "MX.EXAMPLE.ORG", "[127.0.0.1]", "[::1]"] {
            #expect(try table.match(.domain, key: key), "\(key)")
        }
        #expect(try !table.match(.domain, key: "example.org"))
    }

    @Test("<anydestination>: `*`, plus the short host name when the server name has a dot")
    func anydestination() throws {
        #expect(BuiltinTables.anydestination(Self.identity) == ["*", "MX"])
        #expect(BuiltinTables.anydestination(LocalHostIdentity(serverName: "mx", addresses: [])) == ["*"])
        #expect(try Self.table("<anydestination>").match(.domain, key: "anything.example"))
    }

    @Test("<getpwnam> is there, for the default userbase")
    func getpwnam() throws {
        #expect(try Self.table("<getpwnam>") is GetpwnamTable)
    }

    @Test("the running machine has a server name and its loopback addresses")
    func system() {
        let identity = LocalHostIdentity.system()
        #expect(!identity.serverName.isEmpty)
        #expect(identity.addresses.contains("127.0.0.1"))
        #expect(identity.addresses.allSatisfy { !$0.contains("%") })
    }

    @Test("the mailname file wins, its newline removed")
    func mailname() throws {
        let path = try TableTestFiles.write("mail.example.org\nignored\n")
        #expect(LocalHostIdentity.serverName(mailnamePath: path) == "mail.example.org")
        #expect(LocalHostIdentity.serverName(mailnamePath: "/nonexistent/mailname").isEmpty == false)
    }
}

@Suite("getpwnam table")
struct GetpwnamTableTests {
    @Test("root exists: uid 0, and keys are lowercased first")
    func root() throws {
        let table = GetpwnamTable()
        let value = try #require(try table.lookup(.userinfo, key: "root"))
        #expect(value.hasPrefix("0:0:"))
        #expect(try table.lookup(.userinfo, key: "ROOT") == value)
        #expect(try table.match(.userinfo, key: "root"))
        #expect(try table.userInfo(for: "Root")?.uid == 0)
        #expect(try table.userInfo(for: "Root")?.username == "root")
    }

    @Test("an unknown user is a miss; another service is a failure")
    func missesAndFailures() throws {
        let table = GetpwnamTable()
        #expect(try table.lookup(.userinfo, key: "no-such-user-tern") == nil)
        #expect(throws: TableLookupError.self) { try table.lookup(.credentials, key: "root") }
        #expect(throws: TableLookupError.self) { try table.match(.string, key: "root") }
        #expect(throws: TableLookupError.self) { try table.fetchAll(.userinfo) }
    }
}
