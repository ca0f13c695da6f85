import ConfParser

/// Turns a `table NAME …` statement into the table that serves it, reusing what the parser already loaded.
struct DeclaredTable {
    /// What building the table produced: the table, and, when its source could not be loaded, why (the table
    /// is then a `FailingTable` whose every lookup fails).
    struct Built {
        var table: any LookupTable
        var problem: TableLoadError?
        var warnings: [String] = []
    }

    let declaration: TableDecl
    let subaddressDelimiter: UInt8

    /// The backend as OpenSMTPD names it: `file` and a bare path are `static`.
    var backend: String {
        guard case .backend(let name, _) = declaration.source else { return "static" }
        return name.isEmpty || name == "file" ? "static" : name
    }

    var path: String? {
        guard case .backend(_, let config) = declaration.source else { return nil }
        return config
    }

    /// Builds the table; `loaded` is what the parser read for it, if anything.
    func build(loaded: TableContents?) -> Built {
        let name = declaration.name
        switch declaration.source {
        case .inline(let inline):
            return Built(table: staticTable(TableContents(inline: inline), backend: .static))
        case .backend:
            break
        }
        switch backend {
        case "static":
            if let loaded { return Built(table: staticTable(loaded, backend: .static)) }
            guard let path else { return Built(table: staticTable(TableContents(kind: .list), backend: .static)) }
            return load { () throws(TableLoadError) in try StaticTableFile.load(path: path) }
        case "db":
            if let loaded { return Built(table: staticTable(loaded, backend: .db)) }
            return load { () throws(TableLoadError) in try BerkeleyDBTableFile.load(path: path ?? "") }
        case "getpwnam":
            return Built(table: GetpwnamTable(name: name))
        case "passwd":
            guard let path else {
                return Built(table: FailingTable(name: name, reason: "a passwd table needs a file: passwd:/path"))
            }
            do throws(TableLoadError) {
                let table = try PasswdTable.load(name: name, path: path)
                return Built(table: table, warnings: table.file.warnings)
            } catch {
                return Built(table: FailingTable(name: name, reason: error.description), problem: error)
            }
        default:
            return Built(table: FailingTable.unsupported(name: name, backend: backend))
        }
    }

    /// Reads a file table anew (`smtpctl update table`). Keeps the type the table had when OpenSMTPD 7.x's
    /// reading of the file gives that type and 6.8's does not (the parser may have adopted the 7.x reading).
    func reload(keepingKindOf current: (any LookupTable)?) throws(TableReloadError) -> Built {
        let name = declaration.name
        switch (declaration.source, backend) {
        case (.inline, _), (_, "getpwnam"):
            guard let current else { return build(loaded: nil) }
            return Built(table: current)
        case (_, "static"):
            guard let path else { return build(loaded: nil) }
            let result: TableLoadResult
            do throws(TableLoadError) {
                result = try StaticTableFile.load(path: path)
            } catch {
                throw TableReloadError(table: name, loadError: error)
            }
            var contents = result.contents
            if let previous = (current as? StaticLookupTable)?.contents.kind, previous != contents.kind,
                let alternative = result.openSMTPD7Contents, alternative.kind == previous
            {
                contents = alternative
            }
            return Built(table: staticTable(contents, backend: .static), warnings: result.warnings)
        case (_, "db"):
            do throws(TableLoadError) {
                let result = try BerkeleyDBTableFile.load(path: path ?? "")
                return Built(table: staticTable(result.contents, backend: .db), warnings: result.warnings)
            } catch {
                throw TableReloadError(table: name, loadError: error)
            }
        case (_, "passwd"):
            do throws(TableLoadError) {
                let table = try PasswdTable.load(name: name, path: path ?? "")
                return Built(table: table, warnings: table.file.warnings)
            } catch {
                throw TableReloadError(table: name, loadError: error)
            }
        default:
            throw TableReloadError(table: name, reason: "backend \(backend) is not supported by Tern yet")
        }
    }

    private func staticTable(_ contents: TableContents, backend: StaticLookupTable.Backend) -> StaticLookupTable {
        StaticLookupTable(
            name: declaration.name,
            contents: contents,
            backend: backend,
            subaddressDelimiter: subaddressDelimiter
        )
    }

    private func load(_ read: () throws(TableLoadError) -> TableLoadResult) -> Built {
        do throws(TableLoadError) {
            let result = try read()
            let tableBackend: StaticLookupTable.Backend = backend == "db" ? .db : .static
            return Built(table: staticTable(result.contents, backend: tableBackend), warnings: result.warnings)
        } catch {
            return Built(table: FailingTable(name: declaration.name, reason: error.description), problem: error)
        }
    }
}
