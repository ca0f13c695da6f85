import ConfParser
import RuleEngine

/// A fixed machine for configurations in rule-engine tests: table files come from memory.
struct EngineTestEnvironment: ParserEnvironment {
    var tableFiles: [String: String] = [:]

    func interfaceAddresses(_ name: String) -> [String]? { name == "lo" ? ["127.0.0.1", "::1"] : nil }
    func resolveHost(_ name: String) -> [String]? { name == "localhost" ? ["127.0.0.1", "::1"] : nil }
    func servicePort(_ name: String) -> Int? { ["smtp": 25, "submission": 587, "smtps": 465][name] }
    func hasTableHelper(_ backend: String) -> Bool { SystemParserEnvironment.helperBackends.contains(backend) }

    func loadStaticTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        guard let text = tableFiles[path] else {
            return .failure(TableLoadError(logLines: [], path: path, line: nil, reason: "no such file"))
        }
        return Result { () throws(TableLoadError) in try StaticTableFile.parse(Array(text.utf8), path: path) }
    }

    func loadDBTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        .failure(TableLoadError(logLines: [], path: path, line: nil, reason: "no db files in tests"))
    }
}

/// Which tables a fixture uses.
enum TableKind {
    /// `FakeTableProvider`: simplified matchers in the test target.
    case fake
    /// The real `TableSet` of the configuration (server `mail.example.org` on 127.0.0.1 and ::1), with only
    /// `<getpwnam>` and the `extraTables` replaced by fakes.
    case real
}

/// The real tables of a configuration, with some replaced by name.
struct OverlayTables: TableProvider {
    let base: TableSet
    let overrides: [String: any LookupTable]

    func table(for reference: TableRef) -> any LookupTable {
        if case .named(let name) = reference, let table = overrides[name] { return table }
        return base.table(for: reference)
    }

    func table(named name: String) -> (any LookupTable)? { overrides[name] ?? base.table(named: name) }
}

/// A configuration parsed from text, with fake tables: the file tables it declares (from `tableFiles`), plus
/// `extraTables` that replace tables by name (for failing tables).
struct EngineFixture {
    let parsed: ParseResult
    let config: Config
    var tables: FakeTableProvider
    /// The real tables, for `TableKind.real`.
    var realTables: OverlayTables?

    init(
        _ text: String, tableFiles: [String: String] = [:], extraTables: [String: any LookupTable] = [:],
        systemUsers: [String: String] = FakeTableProvider.systemUsers, kind: TableKind = .real
    ) {
        parsed = ConfigParser.parse(
            path: "smtpd.conf", reader: InMemorySourceReader(files: ["smtpd.conf": text]),
            environment: EngineTestEnvironment(tableFiles: tableFiles))
        guard let config = parsed.config, !parsed.failed else {
            fatalError("fixture does not parse: \(parsed.diagnostics.map(\.message))\n\(text)")
        }
        self.config = config
        var tables = FakeTableProvider(parsed: parsed, systemUsers: systemUsers)
        tables.tables.merge(extraTables) { $1 }
        self.tables = tables
        if kind == .real {
            let set = TableSet(
                config: config, loadedTables: parsed.loadedTables,
                localHost: LocalHostIdentity(serverName: "mail.example.org", addresses: ["127.0.0.1", "::1"]))
            var overrides = extraTables
            overrides[BuiltinTableName.getpwnam] = tables.tables[BuiltinTableName.getpwnam]
            realTables = OverlayTables(base: set, overrides: overrides)
        }
    }

    /// The tables the fixture was made for.
    var provider: any TableProvider { realTables ?? tables }

    func ruleset(_ options: RulesetOptions = .init()) -> Ruleset {
        if let realTables { return try! Ruleset(config: config, tables: realTables, options: options) }
        return try! Ruleset(config: config, tables: tables, options: options)
    }
}

extension SessionFacts {
    /// A remote client without reverse name, HELO, authentication or TLS.
    static func remote(_ address: String = "192.0.2.1") -> SessionFacts { SessionFacts(clientAddress: address) }
}

extension RecipientRequest {
    init(_ session: SessionFacts, from sender: String = "sender@example.net", to rcpt: String) {
        self.init(session: session, sender: MailAddress(text: sender), rcpt: MailAddress(text: rcpt))
    }
}

extension RuleDecision {
    /// `accept N ACTION`, `reject`, `reject N`, `tempfail N` with N 1-based: compact expectations.
    var summary: String {
        switch self {
        case .accept(let index, let action): "accept \(index + 1) \(action)"
        case .reject(_, let index?): "reject \(index + 1)"
        case .reject(_, nil): "reject"
        case .tempfail(_, let index, _): "tempfail \(index + 1)"
        }
    }

    var reply: RecipientReply? {
        switch self {
        case .accept: nil
        case .reject(let reply, _), .tempfail(let reply, _, _): reply
        }
    }
}
