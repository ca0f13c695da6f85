import ConfParser
import RuleEngine

#if canImport(Glibc)
import Glibc
#endif

/// An in-memory table with simplified versions of OpenSMTPD's matchers, enough to drive the rule engine in
/// tests until the real tables arrive. Keys are stored lowercased; lookups lowercase their key, as
/// `table_lookup` does.
struct FakeTable: LookupTable {
    let name: String
    /// Sorted by key, as static tables are searched.
    let entries: [(key: String, value: String?)]
    /// When set, every lookup fails with this reason.
    var failure: String?

    init(_ name: String, list: [String]) {
        self.name = name
        self.entries = list.map { (key: $0.lowercased(), value: nil) }.sorted { $0.key < $1.key }
    }

    init(_ name: String, mapping: [String: String]) {
        self.name = name
        self.entries = mapping.map { (key: $0.key.lowercased(), value: $0.value) }.sorted { $0.key < $1.key }
    }

    init(_ name: String, contents: TableContents) {
        self.name = name
        self.entries = contents.indices.map { (key: contents.key(at: $0), value: contents.value(at: $0)) }
            .sorted { $0.key < $1.key }
    }

    static func failing(_ name: String, _ reason: String = "backend down") -> FakeTable {
        var table = FakeTable(name, list: [])
        table.failure = reason
        return table
    }

    func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String? {
        if let failure { throw TableLookupError(table: name, reason: failure) }
        let key = key.lowercased()
        return entries.first { $0.key == key }?.value ?? nil
    }

    func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool {
        if let failure { throw TableLookupError(table: name, reason: failure) }
        let key = key.lowercased()
        return entries.contains { FakeMatchers.matches(service, entry: $0.key, key: key) }
    }

    func fetchAll(_ service: TableService) throws(TableLookupError) -> [String] {
        if let failure { throw TableLookupError(table: name, reason: failure) }
        return entries.map { $0.value ?? $0.key }
    }
}

/// Rough ports of OpenSMTPD's `table_match` helpers (table.c, util.c), for tests only.
enum FakeMatchers {
    static func matches(_ service: TableService, entry: String, key: String) -> Bool {
        switch service {
        case .domain: domain(pattern: entry, name: key)
        case .netaddr: entry == key || cidr(entry, contains: key)
        case .mailaddr: mailaddr(entry: entry, key: key)
        case .regex: regex(entry, key)
        default: entry == key
        }
    }

    /// `hostname_match`: `*` skips to the next pattern character without backtracking.
    static func domain(pattern: String, name: String) -> Bool {
        let p = Array(pattern.utf8), h = Array(name.utf8)
        var i = 0, j = 0
        while i < p.count {
            if p[i] == UInt8(ascii: "*") {
                while i < p.count && p[i] == UInt8(ascii: "*") { i += 1 }
                while j < h.count && (i >= p.count || h[j] != p[i]) { j += 1 }
                continue
            }
            guard j < h.count, p[i] == h[j] else { return false }
            i += 1
            j += 1
        }
        return j == h.count
    }

    static func mailaddr(entry: String, key: String) -> Bool {
        let e = MailAddress(text: entry), k = MailAddress(text: key)
        if e.isNull { return true }
        if !e.domain.isEmpty && !domain(pattern: e.domain, name: k.domain) { return false }
        if !e.user.isEmpty {
            var user = k.user
            if !e.user.contains("+"), let cut = user.firstIndex(of: "+") { user = String(user[..<cut]) }
            return user == e.user
        }
        return true
    }

    static func regex(_ pattern: String, _ key: String) -> Bool {
        var flags = REG_EXTENDED | REG_NOSUB
        var pattern = pattern
        if pattern.hasPrefix("(?i)") {
            pattern.removeFirst(4)
            flags |= REG_ICASE
        }
        var compiled = regex_t()
        guard regcomp(&compiled, pattern, flags) == 0 else { return false }
        defer { regfree(&compiled) }
        return regexec(&compiled, key, 0, nil, 0) == 0
    }

    static func cidr(_ entry: String, contains key: String) -> Bool {
        func strip(_ text: String) -> String {
            var t = text
            if t.hasPrefix("[") { t = String(t.dropFirst().prefix { $0 != "]" }) + t.drop { $0 != "]" }.dropFirst() }
            if t.lowercased().hasPrefix("ipv6:") { t = String(t.dropFirst(5)) }
            return t
        }
        let parts = strip(entry).split(separator: "/", maxSplits: 1).map(String.init)
        guard let network = bytes(parts[0]), let address = bytes(strip(key)), network.count == address.count else {
            return false
        }
        let bits = parts.count == 2 ? Int(parts[1]) ?? -1 : network.count * 8
        guard bits >= 0 && bits <= network.count * 8 else { return false }
        for bit in 0..<bits where (network[bit / 8] ^ address[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 {
            return false
        }
        return true
    }

    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// Tables by name, plus the built-in ones for a server called `mail.example.org`.
struct FakeTableProvider: TableProvider {
    var tables: [String: any LookupTable]

    /// `getpwnam` users: name → `uid:gid:home`.
    init(_ tables: [String: any LookupTable] = [:], systemUsers: [String: String] = FakeTableProvider.systemUsers) {
        var all: [String: any LookupTable] = [
            BuiltinTableName.localhost: FakeTable(BuiltinTableName.localhost, list: ["local", "127.0.0.1", "[::1]"]),
            BuiltinTableName.anyhost: FakeTable(BuiltinTableName.anyhost, list: ["local", "0.0.0.0/0", "::/0"]),
            BuiltinTableName.localnames: FakeTable(
                BuiltinTableName.localnames, list: ["localhost", "mail.example.org", "127.0.0.1", "[::1]"]),
            BuiltinTableName.anydestination: FakeTable(BuiltinTableName.anydestination, list: ["*"]),
            BuiltinTableName.getpwnam: FakeTable(BuiltinTableName.getpwnam, mapping: systemUsers),
        ]
        all.merge(tables) { $1 }
        self.tables = all
    }

    static let systemUsers = [
        "root": "0:0:/root",
        "joe": "1000:1000:/home/joe",
        "alice": "1001:1001:/home/alice",
        "bob": "1002:1002:/home/bob",
        "_vmail": "2000:2000:/var/vmail",
        "_smtpd": "95:95:/var/empty",
    ]

    /// Tables from a parsed configuration: declared file tables from `loadedTables`, inline ones from the
    /// declarations.
    init(parsed: ParseResult, systemUsers: [String: String] = FakeTableProvider.systemUsers) {
        var tables: [String: any LookupTable] = [:]
        for (name, contents) in parsed.loadedTables { tables[name] = FakeTable(name, contents: contents) }
        for declaration in parsed.config?.tables ?? [] {
            if case .inline(let inline) = declaration.source {
                tables[declaration.name] = Self.table(declaration.name, inline)
            }
        }
        self.init(tables, systemUsers: systemUsers)
    }

    static func table(_ name: String, _ inline: InlineTable) -> FakeTable {
        switch inline {
        case .list(let values): FakeTable(name, list: values)
        case .mapping(let pairs):
            FakeTable(name, mapping: Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    func table(for reference: TableRef) -> any LookupTable {
        switch reference {
        case .named(let name): tables[name] ?? FakeTable.failing(name, "no such table")
        case .inline(let inline): Self.table("{inline}", inline)
        case .string(let value): FakeTable(value, list: [value])
        }
    }

    func table(named name: String) -> (any LookupTable)? { tables[name] }
}
