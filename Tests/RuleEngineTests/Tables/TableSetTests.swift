import ConfParser
import PeerSupport
import Testing

@testable import RuleEngine

/// Building the tables of a configuration, and reloading one of them.
@Suite("Table set", .ownQueue)
struct TableSetTests {
    static let identity = LocalHostIdentity(serverName: "mx.example.org", addresses: ["127.0.0.1", "[::1]"])

    /// Parses `text` as smtpd.conf, with table files read from disk.
    static func parse(_ text: String) throws -> ParseResult {
        let result = ConfigParser.parse(
            path: "/smtpd.conf",
            reader: InMemorySourceReader(files: ["/smtpd.conf": text]),
            environment: SystemParserEnvironment()
        )
        #expect(!result.failed, "\(result.diagnostics)")
        return result
    }

    static func tables(_ text: String) throws -> TableSet {
        let result = try parse(text)
        return TableSet(config: try #require(result.config), loadedTables: result.loadedTables, localHost: identity)
    }

    @Test("every kind of table declaration, looked up through the set")
    func declarations() throws {
        let virtuals = try TableTestFiles.write(
            "heroes@athome.tld batman@athome.tld, superman@athome.tld\n@athome.tld _vmail\n"
        )
        let users = try TableTestFiles.write("alice:$6$s$h:1000:1000::/home/alice::userdb_quota=1G\n")
        let tables = try Self.tables(
            """
            table virtuals file:\(virtuals)
            table users passwd:\(users)
            table domains { "athome.tld", "*.athome.tld" }
            table sql sqlite:/etc/mail/sqlite.conf
            table pw getpwnam
            action vmail maildir virtual <virtuals> userbase <users>
            match from any for domain <domains> action vmail
            """
        )
        #expect(tables.loadProblems.isEmpty)
        #expect(tables.names.contains("<localhost>") && tables.names.contains("virtuals"))

        let virtual = try #require(tables.table(named: "virtuals"))
        #expect(try virtual.lookup(.alias, key: "Heroes@AtHome.tld") == "batman@athome.tld, superman@athome.tld")
        #expect(try tables.table(for: .named("users")).credentials(for: "alice")?.password == "$6$s$h")
        #expect(try tables.table(for: .named("domains")).match(.domain, key: "mail.athome.tld"))
        #expect(try tables.table(for: .named("pw")).userInfo(for: "root")?.uid == 0)

        let sql = tables.table(for: .named("sql"))
        #expect {
            try sql.match(.domain, key: "athome.tld")
        } throws: { error in
            (error as? TableLookupError)?.reason == "backend sqlite is not supported by Tern yet"
        }
    }

    @Test("file contents the parser loaded are used as they are, not read again")
    func reusesLoadedContents() throws {
        let path = try TableTestFiles.write("key from-file\n")
        let result = try Self.parse("table t file:\(path)\naction a maildir alias <t>\nmatch from any action a\n")
        try TableTestFiles.replace(path, with: "key changed-on-disk\n")
        let tables = TableSet(
            config: try #require(result.config),
            loadedTables: result.loadedTables,
            localHost: Self.identity
        )
        #expect(try tables.table(for: .named("t")).lookup(.alias, key: "key") == "from-file")
    }

    @Test("a file that fails to load gives a failing table and a load problem")
    func loadProblem() throws {
        var config = Config()
        config.tables = [TableDecl(name: "gone", source: .backend(name: "file", config: "/nonexistent/tern-table"))]
        let tables = TableSet(config: config, localHost: Self.identity)
        #expect(tables.loadProblems["gone"]?.path == "/nonexistent/tern-table")
        #expect(throws: TableLookupError.self) { try tables.table(for: .named("gone")).lookup(.alias, key: "x") }
    }

    @Test("an unknown name gives a table that fails (a temporary failure)")
    func unknownName() throws {
        let tables = TableSet(config: Config(), localHost: Self.identity)
        #expect(tables.table(named: "nope") == nil)
        #expect(throws: TableLookupError.self) { try tables.table(for: .named("nope")).match(.string, key: "x") }
    }

    @Test("anonymous tables are made once and reused")
    func anonymousTablesAreCached() throws {
        let tables = TableSet(config: Config(), localHost: Self.identity)
        let first = try #require(tables.table(for: .inline(.list(["a", "b"]))) as? StaticLookupTable)
        let second = try #require(tables.table(for: .inline(.list(["a", "b"]))) as? StaticLookupTable)
        #expect(first === second)
        #expect(tables.table(for: .inline(.list(["a", "c"]))) as? StaticLookupTable !== first)
    }

    @Test("smtp sub-addr-delim reaches the mailaddr matcher")
    func subaddressDelimiter() throws {
        let tables = try Self.tables(
            """
            smtp sub-addr-delim "-"
            action a maildir
            match from any rcpt-to { "batman@athome.tld" } action a
            """
        )
        let table = tables.table(for: .inline(.list(["batman@athome.tld"])))
        #expect(try table.match(.mailaddr, key: "batman-news@athome.tld"))
        #expect(try !table.match(.mailaddr, key: "batman+news@athome.tld"))
    }

    @Test("reloading a file table makes a new set; the old one keeps its contents")
    func reload() throws {
        let path = try TableTestFiles.write("root alice\n")
        let tables = try Self.tables(
            "table aliases file:\(path)\naction a mbox alias <aliases>\nmatch from any action a\n"
        )
        try TableTestFiles.replace(path, with: "root bob\npostmaster root\n")
        let (reloaded, warnings) = try tables.reloadingTable(named: "aliases")
        #expect(warnings.isEmpty)
        #expect(try reloaded.table(for: .named("aliases")).lookup(.alias, key: "root") == "bob")
        #expect(try reloaded.table(for: .named("aliases")).lookup(.alias, key: "postmaster") == "root")
        #expect(try tables.table(for: .named("aliases")).lookup(.alias, key: "root") == "alice")
    }

    @Test("a reload that fails names the file and line, and changes nothing")
    func reloadFailure() throws {
        let path = try TableTestFiles.write("root alice\n")
        let tables = try Self.tables(
            "table aliases file:\(path)\naction a mbox alias <aliases>\nmatch from any action a\n"
        )
        try TableTestFiles.replace(path, with: "root bob\npostmaster\n")
        do throws(TableReloadError) {
            _ = try tables.reloadingTable(named: "aliases")
            Issue.record("a malformed file reloaded")
        } catch {
            #expect(error.loadError?.line == 2)
            #expect(error.reason.hasPrefix("\(path):2: "))
            #expect(error.description.hasPrefix("table aliases: \(path):2: "))
        }
        #expect(try tables.table(for: .named("aliases")).lookup(.alias, key: "root") == "alice")
    }

    @Test("reloading passwd files, and tables with nothing to re-read")
    func reloadOthers() throws {
        let users = try TableTestFiles.write("alice:old:1:1::/h\n")
        let tables = try Self.tables(
            """
            table users passwd:\(users)
            table inline { "a" }
            table sql sqlite:/etc/mail/sqlite.conf
            action a maildir userbase <users>
            match from any action a
            """
        )
        try TableTestFiles.replace(users, with: "alice:new:1:1::/h\n")
        #expect(
            try tables.reloadingTable(named: "users").tables.table(for: .named("users")).lookup(
                .credentials,
                key: "alice"
            ) == "alice:new"
        )
        #expect(try tables.reloadingTable(named: "inline").tables.table(for: .named("inline")).match(.string, key: "a"))
        #expect(try tables.reloadingTable(named: "<localhost>").tables.names == tables.names)
        #expect(throws: TableReloadError.self) { try tables.reloadingTable(named: "sql") }
        #expect(throws: TableReloadError.self) { try tables.reloadingTable(named: "missing") }
        try TableTestFiles.replace(users, with: "broken\n")
        #expect(throws: TableReloadError.self) { try tables.reloadingTable(named: "users") }
    }

    @Test("a table read with 7.x rules at parse time keeps that reading on reload")
    func reloadKeepsAdoptedReading() throws {
        // To 6.8 a lone `[::1]` line is a mapping (`[` → `:1]`), which `from src` refuses; 7.x reads a list, and
        // the parser adopts that reading.
        let path = try TableTestFiles.write("[::1]\n")
        let tables = try Self.tables("table locals file:\(path)\naction a maildir\nmatch from src <locals> action a\n")
        #expect(try tables.table(for: .named("locals")).match(.netaddr, key: "[::1]"))
        try TableTestFiles.replace(path, with: "[2001:db8::/32]\n")
        let reloaded = try tables.reloadingTable(named: "locals").tables
        let table = try #require(reloaded.table(named: "locals") as? StaticLookupTable)
        #expect(table.contents.kind == .list)
        #expect(try table.match(.netaddr, key: "[2001:db8::5]"))
        #expect(try !table.match(.netaddr, key: "[::1]"))
    }
}
