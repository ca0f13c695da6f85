public import ConfParser

/// What `smtpd -n` prints and returns for one configuration file.
public struct ConfigCheckOutcome: Sendable {
    /// Lines for standard error, in order (OpenSMTPD prints its diagnostics and `configuration OK` there).
    public var stderrLines: [String]
    /// The canonical configuration, printed on standard output under `-v`.
    public var stdout: String
    public var exitCode: Int32
    /// The parsed configuration, when parsing got that far.
    public var config: Config?
    public var diagnostics: [Diagnostic]
}

/// Options that change how a configuration is checked.
public struct ConfigCheckOptions: Sendable {
    /// `-D name=value` macros, in command-line order.
    public var macros: [(String, String)]
    /// `-v`: print the configuration back in canonical form.
    public var verbose: Bool
    /// Source excerpts and hints under each message (Tern's additions; OpenSMTPD's lines are unchanged).
    public var explain: Bool
    public init(macros: [(String, String)] = [], verbose: Bool = false, explain: Bool = true) {
        self.macros = macros
        self.verbose = verbose
        self.explain = explain
    }
}

/// `smtpd -n`: parse, validate, load tables and pki files, and report as OpenSMTPD does.
public enum ConfigCheck {
    public static func run(
        configPath: String,
        options: ConfigCheckOptions = .init(),
        environment: any ParserEnvironment = SystemParserEnvironment(),
        files: PKIFileSystem = .system
    ) -> ConfigCheckOutcome {
        let reader = FileSourceReader()
        let result = ConfigParser.parse(
            path: configPath,
            options: .init(macros: options.macros),
            reader: reader,
            environment: environment)
        var diagnostics = result.diagnostics
        var failed = result.failed
        if !failed, let config = result.config {
            if let fatal = PostParseChecks.run(config: config, files: files, notes: &diagnostics) {
                diagnostics.append(fatal)
                failed = true
            } else {
                diagnostics += ConfigWarnings.collect(config: config, files: files)
            }
        }
        let excerpts: @Sendable (String, Int) -> String?
        if options.explain {
            let cache = SourceExcerpts()
            excerpts = { file, line in cache.line(file, line) }
        } else {
            excerpts = { _, _ in nil }
        }
        let renderer = DiagnosticRenderer(sourceLines: excerpts)
        var lines: [String] = []
        for diagnostic in diagnostics {
            if !options.explain && (diagnostic.severity == .suppressedError) { continue }
            let rendered = renderer.render(diagnostic)
            lines += options.explain ? rendered : Array(rendered.prefix { !$0.hasPrefix("  ") })
        }
        var stdout = ""
        if !failed {
            if options.verbose, let config = result.config { stdout = ConfigPrinter.print(config) }
            lines.append("configuration OK")
        }
        return ConfigCheckOutcome(stderrLines: lines, stdout: stdout, exitCode: failed ? 1 : 0,
                                  config: result.config, diagnostics: diagnostics)
    }
}

/// Source lines for excerpts under messages. Each file is read and split once, however many messages
/// point into it.
final class SourceExcerpts: @unchecked Sendable {
    // Used from one thread: the check renders its messages sequentially.
    private var files: [String: [Substring]] = [:]

    func line(_ file: String, _ number: Int) -> String? {
        if files[file] == nil {
            guard case .success(let bytes) = FileBytes.read(path: file, maximumSize: 16 << 20) else { return nil }
            files[file] = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        }
        guard let lines = files[file], number >= 1, number <= lines.count else { return nil }
        return String(lines[number - 1])
    }
}
