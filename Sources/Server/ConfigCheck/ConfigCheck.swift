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
}

/// Options that change how a configuration is checked.
public struct ConfigCheckOptions: Sendable {
    /// `-D name=value` macros, in command-line order.
    public var macros: [(String, String)]
    /// `-v`: print the configuration back in canonical form.
    public var verbose: Bool
    public init(macros: [(String, String)] = [], verbose: Bool = false) {
        self.macros = macros
        self.verbose = verbose
    }
}

/// `smtpd -n`: parse, validate, load tables and pki files, and report as OpenSMTPD does.
public enum ConfigCheck {
    public static func run(configPath: String, options: ConfigCheckOptions = .init()) -> ConfigCheckOutcome {
        ConfigCheckOutcome(stderrLines: ["smtpd: not implemented yet"], stdout: "", exitCode: 1, config: nil)
    }
}
