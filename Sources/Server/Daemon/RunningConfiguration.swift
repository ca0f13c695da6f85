public import ConfParser
public import RuleEngine

/// A loaded configuration, ready to serve: the parsed file, its tables, the compiled rules and the expander.
///
/// An immutable value. The daemon builds one at start-up with exactly the checks `smtpd -n` runs, and a reload
/// builds a new one beside it and swaps it in whole only if it loads; sessions in progress keep the value they
/// started with.
public struct RunningConfiguration: Sendable {
    public let path: String
    public let config: Config
    public let tables: TableSet
    public let ruleset: Ruleset
    public let expander: RecipientExpander
    /// The machine's name and addresses, for the built-in tables and the default listener name.
    public let localHost: LocalHostIdentity
    /// The relay and LMTP actions' options, resolved once.
    public let outbound: OutboundSettings

    public init(path: String, config: Config, tables: TableSet, localHost: LocalHostIdentity,
        rulesetOptions: RulesetOptions = .init()) throws(MissingTableError)
    {
        self.path = path
        self.config = config
        self.tables = tables
        self.localHost = localHost
        self.ruleset = try Ruleset(config: config, tables: tables, options: rulesetOptions)
        self.expander = try RecipientExpander(config: config, ruleset: ruleset, tables: tables,
            srs: SRSCodec(options: config.options).map { SRSRecipientDecoder(codec: $0) })
        self.outbound = OutboundSettings(config: config, tables: tables, hostname: localHost.serverName)
    }

    /// The same configuration with one table read again (`smtpctl update table`).
    public func reloadingTable(named name: String) throws -> (RunningConfiguration, warnings: [String]) {
        let (tables, warnings) = try tables.reloadingTable(named: name)
        return (try RunningConfiguration(path: path, config: config, tables: tables, localHost: localHost,
            rulesetOptions: ruleset.options), warnings)
    }

    /// `queue ttl`, or an action's own `ttl`, in seconds.
    public func timeToLive(action name: String) -> Int {
        config.action(named: name)?.ttl?.seconds ?? config.options.queueTTL?.seconds ?? GlobalOptions.Defaults.queueTTL
    }
}

/// Why a configuration cannot be served: the lines `smtpd -n` would print.
public struct ConfigurationLoadError: Error, Sendable, CustomStringConvertible {
    public var lines: [String]
    public var description: String { lines.joined(separator: "\n") }
}

extension RunningConfiguration {
    /// Parses and checks `path` as `smtpd -n` does, then loads every table. Table load problems (a passwd
    /// file that does not read) refuse the configuration: a daemon that would answer 451 to everyone is
    /// worse than one that does not start. So do relay settings that can never work (`RelayStartupProblems`).
    public static func load(path: String, macros: [(String, String)] = [],
        environment: any ParserEnvironment = SystemParserEnvironment(), files: PKIFileSystem = .system,
        localHost: LocalHostIdentity = .system()) throws(ConfigurationLoadError) -> RunningConfiguration
    {
        let parsed = ConfigParser.parse(path: path, options: .init(macros: macros), reader: FileSourceReader(),
            environment: environment)
        var diagnostics = parsed.diagnostics
        let renderer = DiagnosticRenderer()
        func failure(_ extra: [String] = []) -> ConfigurationLoadError {
            ConfigurationLoadError(lines: diagnostics.flatMap { renderer.render($0) } + extra)
        }
        guard let config = parsed.config, !parsed.failed else { throw failure() }
        if let fatal = PostParseChecks.run(config: config, files: files, notes: &diagnostics) {
            diagnostics.append(fatal)
            throw failure()
        }
        let tables = TableSet(config: config, loadedTables: parsed.loadedTables, localHost: localHost)
        if !tables.loadProblems.isEmpty {
            throw failure(tables.loadProblems.sorted { $0.key < $1.key }.map { "table \($0.key): \($0.value.reason)" })
        }
        let relayProblems = RelayStartupProblems.all(config)
        if !relayProblems.isEmpty {
            diagnostics += relayProblems.map { Diagnostic(.error, $0.message, at: $0.action.location) }
            throw failure()
        }
        do {
            return try RunningConfiguration(path: path, config: config, tables: tables, localHost: localHost)
        } catch {
            throw failure(["\(error)"])
        }
    }
}
