import ConfParser

#if canImport(Glibc)
import Glibc
#endif

/// Which file `newaliases` rebuilds, as makemap.c's `conf_aliases` decides, and what Tern adds afterwards.
enum NewaliasesSource {
    /// Where the aliases come from when the configuration declares no `aliases` table (Debian's SMTPD_CONFDIR).
    static let defaultPath = "/etc/aliases"

    struct Table {
        /// The text file makemap reads; the database is this path plus `.db`.
        var sourcePath: String
        /// Whether the configuration declares `table aliases` at all, and as which backend.
        var declaredBackend: String?
        /// The path written in the configuration.
        var configuredPath: String
    }

    /// Parses the configuration as smtpd would. On failure its messages are printed and nil returned
    /// (makemap exits 1). Otherwise: the `aliases` table's path without a final `.db`, or /etc/aliases.
    static func find(configPath: String) -> Table? {
        let result = ConfigParser.parse(path: configPath, reader: FileSourceReader(),
                                        environment: SystemParserEnvironment())
        let renderer = DiagnosticRenderer()
        for diagnostic in result.diagnostics where diagnostic.severity != .suppressedError {
            // The first line is OpenSMTPD's; indented lines under it are Tern's explanations.
            for line in renderer.render(diagnostic).prefix(while: { !$0.hasPrefix("  ") }) {
                StandardError.write(line)
            }
        }
        guard let config = result.config, !result.failed else { return nil }
        guard let table = config.table(named: "aliases") else {
            return Table(sourcePath: defaultPath, declaredBackend: nil, configuredPath: defaultPath)
        }
        var backend = ""
        var path = ""
        if case .backend(let name, let config) = table.source {
            backend = name.isEmpty ? "static" : name
            path = config ?? ""
        }
        return Table(sourcePath: DatabaseSuffix.stripped(path) ?? path, declaredBackend: backend, configuredPath: path)
    }

    /// Tern's addition: a running daemon is asked to `update table aliases`, so the new aliases apply at once.
    /// For a file table, OpenSMTPD's newaliases still writes a `.db` beside it, which neither daemon reads.
    /// - Returns: the daemon's status, or 0 when no daemon answers on the control socket.
    static func notifyDaemon(about table: Table) -> Int32 {
        guard let backend = table.declaredBackend else { return 0 }
        if backend == "static" || backend == "file" {
            StandardError.write("newaliases: warning: table aliases is the file \(table.configuredPath), which smtpd reads "
                + "itself; \(table.sourcePath).db is not used")
        }
        guard daemonAnswers() else { return 0 }
        return ControlClient.send(ControlProtocol.Request(command: "update-table", arguments: ["aliases"]))
    }

    private static func daemonAnswers() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return ControlClient.connectUnix(fd, path: ControlClient.socketPath)
    }
}
