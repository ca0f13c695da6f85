public import ConfParser
import RuleEngine
import Transport

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
        warnings += formatWarnings(config)
        warnings += undeclaredRelayCertificates(config)
        warnings += unusableRelayTLSPolicy(config)
        return warnings
    }

    /// %{…} problems that OpenSMTPD only discovers when a delivery fails.
    private static func formatWarnings(_ config: Config) -> [Diagnostic] {
        var templates: [(String, String, Bool, SourceLocation)] = []
        for action in config.actions {
            switch action.method {
            case .maildir(let path?, _): templates.append((path, "maildir path of action \"\(action.name)\"", false, action.location))
            case .mda(let command): templates.append((command, "mda command of action \"\(action.name)\"", false, action.location))
            case .lmtp(let destination, _): templates.append((destination, "lmtp destination of action \"\(action.name)\"", false, action.location))
            default: break
            }
        }
        for wrapper in config.mdaWrappers {
            templates.append((wrapper.command, "mda wrapper \"\(wrapper.name)\"", true, wrapper.location))
        }
        var warnings: [Diagnostic] = []
        for (template, what, insideWrapper, location) in templates {
            for problem in FormatValidator.problems(in: template, insideWrapper: insideWrapper) {
                let consequence: String
                switch problem.consequence {
                case .deliveryFails: consequence = "every delivery through it will fail"
                case .leftUnexpanded: consequence = "OpenSMTPD would use the text unexpanded"
                case .textIgnored: consequence = "part of it is ignored"
                }
                warnings.append(Diagnostic(.warning, "\(what): \(problem.message); \(consequence)", at: location))
            }
        }
        return warnings
    }

    /// A relay's `pki`/`ca` is not checked by `-n`; an undeclared `pki` stops the daemon at start-up.
    private static func undeclaredRelayCertificates(_ config: Config) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for action in config.actions {
            if let problem = RelayStartupProblems.undeclaredClientPKI(action, config: config) {
                warnings.append(Diagnostic(.warning, problem.message, at: action.location,
                    hint: "smtpd (Tern and OpenSMTPD 7.x) refuses to start with this"))
            }
            if let ca = action.ca, !config.cas.contains(where: { $0.name == ca.lowercased() }) {
                warnings.append(Diagnostic(.warning, "action \"\(action.name)\" names ca \"\(ca)\", which is not declared",
                                           at: action.location))
            }
        }
        return warnings
    }

    /// A relay's `ciphers` or `protocols` that the TLS library refuses: `-n` passes them, the daemon does not start.
    private static func unusableRelayTLSPolicy(_ config: Config) -> [Diagnostic] {
        config.actions.compactMap { action in
            RelayStartupProblems.unusableTLSPolicy(action).map {
                Diagnostic(.warning, $0.message, at: action.location,
                    hint: "smtpd (Tern and OpenSMTPD 7.x) refuses to start with this")
            }
        }
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
