/// One message about a configuration.
///
/// `message` is OpenSMTPD's own text where OpenSMTPD reports the same problem, so that the first line Tern
/// prints is the line OpenSMTPD prints. `detail` and `hint` are Tern's additions, printed indented below it.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: Sendable, Hashable {
        /// `FILE:LINE: message`: counts against the verdict, parsing goes on.
        case error
        /// `smtpd: message` (or `message` then `smtpd`): parsing stops at once.
        case fatal
        /// Printed without a location, the way OpenSMTPD logs a failed open: `PATH: fopen: …`.
        case note
        /// Tern only. Never changes the verdict.
        case warning
        /// An error OpenSMTPD detects but does not print, because it falls within three tokens of the previous
        /// one (yacc error recovery). It still fails the configuration.
        case suppressedError
    }

    /// How a fatal message is laid out, as OpenSMTPD's `fatalx` and `log_warnx`+`fatalx(NULL)` differ.
    public enum FatalStyle: Sendable, Hashable {
        case prefixed  // "smtpd: message"
        case trailingName  // "message" then "smtpd"
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    public var detail: String?
    public var hint: String?
    public var fatalStyle: FatalStyle

    public init(
        _ severity: Severity,
        _ message: String,
        at location: SourceLocation? = nil,
        detail: String? = nil,
        hint: String? = nil,
        fatalStyle: FatalStyle = .prefixed
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.detail = detail
        self.hint = hint
        self.fatalStyle = fatalStyle
    }

    public var countsAgainstVerdict: Bool {
        switch severity {
        case .error, .fatal, .suppressedError: true
        case .note, .warning: false
        }
    }
}
