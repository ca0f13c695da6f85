public import ConfParser

/// Warnings that never change the verdict: things that work but that a careful administrator wants to know.
enum ConfigWarnings {
    static func collect(config: Config, files: PKIFileSystem) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (tableName, role) in secretTables(config) {
            guard let table = config.table(named: tableName), case .backend(_, let path?) = table.source,
                let status = files.status(path)
            else { continue }
            if status.permissions & 0o004 != 0 {
                warnings.append(Diagnostic(
                    .warning, "table \"\(tableName)\" (\(path)) holds \(role) and can be read by every user",
                    at: table.location, hint: "chown root:_maildaemons \(path) && chmod 640 \(path)"))
            }
        }
        return warnings
    }

    /// Named tables that hold passwords or account lists: listener `auth`, action `virtual`.
    private static func secretTables(_ config: Config) -> [(String, String)] {
        var names: [(String, String)] = []
        for listener in config.listeners {
            switch listener.auth {
            case .required(.named(let name))?, .optional(.named(let name))?: names.append((name, "password hashes"))
            default: break
            }
        }
        for action in config.actions {
            if case .named(let name)? = action.virtual { names.append((name, "virtual users")) }
        }
        var seen: Set<String> = []
        return names.filter { seen.insert($0.0).inserted }
    }
}
