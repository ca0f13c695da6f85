public import ConfParser

/// Every table of a configuration, by name, ready for lookups: the declared tables, the built-in ones
/// (`<localhost>`, `<anyhost>`, `<localnames>`, `<anydestination>`, `<getpwnam>`), and tables for the
/// anonymous references (`{ … }`, `"string"`) the configuration uses. OpenSMTPD's `sc_tables_dict`.
///
/// A `TableSet` is an immutable value. Reloading a table (`smtpctl update table`) makes a new set; users of
/// the old one keep the old contents until they switch.
///
/// Tables whose source cannot be loaded (a file gone since the parse, a bad passwd file) become tables that
/// fail every lookup, as a dead helper process would make them under OpenSMTPD; `loadProblems` says why, so
/// that the daemon can refuse to start.
public struct TableSet: Sendable {
    private var tables: [String: any LookupTable]
    private let declarations: [String: TableDecl]
    private let anonymous: AnonymousTableCache
    /// The sub-address delimiter given to every static table's `mailaddr` matcher.
    public let subaddressDelimiter: UInt8
    /// Declared tables that could not be loaded, by name.
    public private(set) var loadProblems: [String: TableLoadError]
    /// Remarks from loading tables that the parser had not loaded (passwd files, files read again).
    public private(set) var warnings: [String]

    /// Builds the tables of `config`.
    /// - Parameters:
    ///   - config: The parsed configuration.
    ///   - loadedTables: `ParseResult.loadedTables`: file and db contents the parser read, used as they are.
    ///   - localHost: The server name and interface addresses, for the built-in tables.
    public init(
        config: Config,
        loadedTables: [String: TableContents] = [:],
        localHost: LocalHostIdentity = .system()
    ) {
        let delimiter = config.options.subAddressDelimiter?.utf8.first ?? UInt8(ascii: "+")
        subaddressDelimiter = delimiter
        anonymous = AnonymousTableCache(subaddressDelimiter: delimiter)
        tables = BuiltinTables.all(localHost, subaddressDelimiter: delimiter)
        loadProblems = [:]
        warnings = []
        var declarations: [String: TableDecl] = [:]
        for declaration in config.tables {
            declarations[declaration.name] = declaration
            let built = DeclaredTable(declaration: declaration, subaddressDelimiter: delimiter)
                .build(loaded: loadedTables[declaration.name])
            tables[declaration.name] = built.table
            if let problem = built.problem { loadProblems[declaration.name] = problem }
            warnings += built.warnings
        }
        self.declarations = declarations
    }

    /// Every table name, built-ins included, sorted.
    public var names: [String] { tables.keys.sorted() }

    /// A table by its OpenSMTPD name: a declared name (`aliases`) or a built-in one with its brackets
    /// (`<localhost>`).
    public func table(named name: String) -> (any LookupTable)? {
        tables[name]
    }

    public subscript(name: String) -> (any LookupTable)? { tables[name] }

    /// The table a configuration option refers to. Anonymous tables are made on first request and then
    /// reused. A name that the set does not know (the parser makes sure that cannot happen) gives a table
    /// whose every lookup fails, which the session sees as a temporary failure.
    public func table(for reference: TableRef) -> any LookupTable {
        switch reference {
        case .named(let name):
            return tables[name] ?? FailingTable(name: name, reason: "no such table")
        case .inline, .string:
            return anonymous.table(for: reference)
        }
    }

    /// A new set in which the table `name` is read again from its file (`smtpctl update table NAME`).
    ///
    /// Inline, built-in and getpwnam tables have nothing to re-read: the set comes back unchanged, and
    /// OpenSMTPD reports success for them too.
    /// - Returns: The new set and any warnings about the new contents.
    /// - Throws: `TableReloadError` when there is no such table, its backend cannot reload, or its file no longer
    ///   loads (the reason names the file and line). The current set is untouched, so the old contents stay.
    public func reloadingTable(named name: String) throws(TableReloadError) -> (tables: TableSet, warnings: [String]) {
        guard let declaration = declarations[name] else {
            if tables[name] != nil { return (self, []) }
            throw TableReloadError(table: name, reason: "no such table")
        }
        let built = try DeclaredTable(declaration: declaration, subaddressDelimiter: subaddressDelimiter)
            .reload(keepingKindOf: tables[name])
        var reloaded = self
        reloaded.tables[name] = built.table
        reloaded.loadProblems[name] = nil
        return (reloaded, built.warnings)
    }
}
