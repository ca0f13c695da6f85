extension ConfigParser {
    /// ```
    /// table : TABLE STRING STRING
    ///       | TABLE STRING '{' optnl tableval_list '}'
    /// ```
    mutating func parseTable() throws(ParseInterruption) {
        let start = accept().location
        let name = try expectString("a table name")
        if !peekIsString(peek()) {
            // yacc runs the action that creates an inline table before it looks for the `{`, so even a
            // malformed line leaves an empty table behind (later uses then fail its type check).
            do {
                _ = try registry.create(backend: "static", name: name)
            } catch {
                throw tableCreateFatal(error, name: name, backend: "static")
            }
            guard peek().kind == .punctuation(UInt8(ascii: "{")) else {
                throw .syntax(expected: "a file path, backend:path or { … }", hint: unquotedHint(for: peek()))
            }
            accept()
            let contents = try parseTableValues(into: name)
            config.tables.append(TableDecl(name: name, source: .inline(contents), location: start))
            return
        }
        let argument = try expectString("a table backend or file path")
        try defineBackendTable(name: name, argument: argument, location: start)
    }

    private mutating func defineBackendTable(name: String, argument: String, location: SourceLocation)
        throws(ParseInterruption)
    {
        let backend: String
        let configText: String?
        if argument.hasPrefix("/") {
            backend = "static"
            configText = argument
        } else if let colon = argument.firstIndex(of: ":") {
            backend = String(argument[..<colon])
            configText = String(argument[argument.index(after: colon)...])
        } else {
            backend = argument
            configText = nil
        }
        if let configText, !configText.hasPrefix("/") {
            throw reject(
                "invalid backend parameter for table: \(name)",
                hint: "the part after \"\(backend):\" must be an absolute path, e.g. \(backend):/etc/mail/\(configText)")
        }
        do {
            _ = try registry.create(backend: backend, name: name)
        } catch {
            throw tableCreateFatal(error, name: name, backend: backend)
        }
        let writtenBackend = argument.hasPrefix("/") ? "" : backend
        let decl = TableDecl(name: name, source: .backend(name: writtenBackend, config: configText), location: location)
        switch registry.find(name)?.backend {
        case "static":
            if let path = configText {
                switch environment.loadStaticTable(path: path) {
                case .success(let result):
                    let alternative = result.openSMTPD7Contents.map { $0.kind == .list ? TableRegistry.Kind.list : .hash }
                    registry.setKind(result.contents.kind == .list ? .list : .hash, for: name,
                                     openSMTPD7Kind: alternative)
                    loadedTables[name] = result.contents
                    if let alternative = result.openSMTPD7Contents { openSMTPD7Tables[name] = alternative }
                    for warning in result.warnings { warn(warning) }
                case .failure(let failure):
                    throw tableConfigError(failure, name: name, path: path)
                }
            }
        case "db":
            switch environment.loadDBTable(path: configText ?? "") {
            case .success(let result):
                loadedTables[name] = result.contents
                for warning in result.warnings { warn(warning) }
            case .failure(let failure):
                throw tableConfigError(failure, name: name, path: configText ?? "(null)")
            }
        case "getpwnam":
            if let configText {
                throw reject("invalid configuration file \(configText) for table \(name)",
                             hint: "getpwnam takes no file: write `table \(name) getpwnam`")
            }
        default:
            break
        }
        config.tables.append(decl)
    }

    private mutating func tableConfigError(_ failure: TableLoadError, name: String, path: String) -> ParseInterruption {
        absorbLexerDiagnostics()
        for line in failure.logLines { diagnostics.append(Diagnostic(.note, line)) }
        return reject("invalid configuration file \(path) for table \(name)", hint: failure.reason)
    }

    func tableCreateFatal(_ error: TableRegistry.CreateError, name: String?, backend: String) -> ParseInterruption {
        switch error {
        case .alreadyDefined:
            return fatal("table_create: table \"\(name ?? "")\" already defined",
                         hint: "each table name may be declared once; rename one of them")
        case .noSuchBackend:
            return fatal("table_create: backend \"\(backend)\" does not exist",
                         hint: "known backends: file, db, getpwnam, proc, "
                            + SystemParserEnvironment.helperBackends.sorted().joined(separator: ", "))
        }
    }

    /// The elements of an inline table, after its `{`, through its `}`. Newlines may stand in for commas and,
    /// as in OpenSMTPD 7.5, may also follow `{` and `,` and precede `}`.
    mutating func parseTableValues(into tableName: String) throws(ParseInterruption) -> InlineTable {
        skipNewlines()
        let firstKey = try expectString("a table value")
        if isAssign(peek()) {
            var pairs: [InlineTable.KeyValue] = []
            var key = firstKey
            while true {
                let arrow = accept().kind == .arrow
                let value = try expectString("the value for \"\(key)\"")
                pairs.append(.init(key: key, value: value, arrow: arrow))
                registry.add(to: tableName, isPair: true)
                guard try continueTableValues() else { return .mapping(pairs) }
                key = try expectString("a key")
                guard isAssign(peek()) else {
                    throw .syntax(expected: "\"=\"",
                                  hint: "a table is either a list or a mapping; every element here needs `= value`")
                }
            }
        }
        var values = [firstKey]
        registry.add(to: tableName, isPair: false)
        while try continueTableValues() {
            values.append(try expectString("a table value"))
            if isAssign(peek()) {
                throw .syntax(expected: "\",\" or \"}\"",
                              hint: "a table is either a list or a mapping, not both")
            }
            registry.add(to: tableName, isPair: false)
        }
        return .list(values)
    }

    /// After an element: true when another element follows, false after the closing brace.
    private mutating func continueTableValues() throws(ParseInterruption) -> Bool {
        let sawNewline = skipNewlines()
        let token = peek()
        switch token.kind {
        case .punctuation(UInt8(ascii: "}")):
            accept()
            return false
        case .punctuation(UInt8(ascii: ",")):
            accept()
            skipNewlines()
            return true
        case .string:
            return true
        case .keyword(let k) where k.isNewerThan68:
            return true
        default:
            _ = sawNewline
            throw .syntax(expected: "\",\" or \"}\"", hint: unquotedHint(for: token))
        }
    }

    @discardableResult
    mutating func skipNewlines() -> Bool {
        var skipped = false
        while peek().kind == .newline {
            accept()
            skipped = true
        }
        return skipped
    }

    func isAssign(_ token: Token) -> Bool {
        token.kind == .arrow || token.kind == .punctuation(UInt8(ascii: "="))
    }

    /// Whether a table argument starts here: `<name>`, `{`, or a string.
    func startsTableArgument(_ token: Token) -> Bool {
        switch token.kind {
        case .punctuation(UInt8(ascii: "<")), .punctuation(UInt8(ascii: "{")), .string: true
        case .keyword(let k): k.isNewerThan68
        default: false
        }
    }

    /// ```
    /// tables   : tablenew | tableref
    /// tablenew : STRING | '{' optnl tableval_list '}'
    /// tableref : '<' STRING '>'
    /// ```
    /// Returns the reference as written and the registry name used in messages (`<dynamic:N>` for anonymous).
    mutating func parseTables() throws(ParseInterruption) -> (ref: TableRef, name: String) {
        let token = peek()
        switch token.kind {
        case .punctuation(UInt8(ascii: "<")):
            accept()
            let name = try expectString("a table name")
            try expect(punctuation: UInt8(ascii: ">"))
            guard registry.find(name) != nil else {
                throw reject("no such table: \(name)", hint: suggestion(for: name, among: declaredTableNames,
                                                                         what: "tables must be declared above their first use"))
            }
            return (.named(name), name)
        case .punctuation(UInt8(ascii: "{")):
            accept()
            skipNewlines()
            let name = createAnonymousTable()
            let contents = try parseTableValues(into: name)
            return (.inline(contents), name)
        default:
            let value = try expectString("a table: <name>, { … } or a string")
            let name = createAnonymousTable()
            registry.add(to: name, isPair: false)
            return (.string(value), name)
        }
    }

    private mutating func createAnonymousTable() -> String {
        // Anonymous static tables can neither clash nor name a missing backend.
        (try? registry.create(backend: "static", name: nil)) ?? "<dynamic:?>"
    }

    var declaredTableNames: [String] { config.tables.map(\.name) }

    /// Checks a table's use as OpenSMTPD's `table_check_use`, rejecting the statement when it fails.
    mutating func requireTable(
        _ name: String,
        kinds: TableRegistry.KindMask,
        services: TableRegistry.Services,
        message: String
    ) throws(ParseInterruption) {
        if registry.check(name, kinds: kinds, services: services) { return }
        if registry.adoptOpenSMTPD7Reading(name, kinds: kinds, services: services),
            let contents = openSMTPD7Tables[name]
        {
            loadedTables[name] = contents
            warn("table \"\(name)\" is read with OpenSMTPD 7.x rules here; OpenSMTPD 6.8 reads its file differently "
                 + "and would refuse this use (\(message))")
            return
        }
        throw reject(message, hint: tableUseHint(name, kinds: kinds))
    }

    private func tableUseHint(_ name: String, kinds: TableRegistry.KindMask) -> String? {
        guard let entry = registry.find(name) else { return nil }
        switch entry.kind {
        case .none:
            return "table \"\(name)\" has no usable contents (it is empty or failed to load)"
        case .hash where !kinds.contains(.hash):
            return "this needs a list table, but \"\(name)\" is a mapping (a line has a space, tab or ':'); "
                + "put `# @list` on the first line of a list file"
        case .list where !kinds.contains(.list):
            return "this needs a mapping table (`key value` lines), but \"\(name)\" is a list"
        default:
            return "the \(entry.backend) backend does not offer this kind of lookup"
        }
    }
}
