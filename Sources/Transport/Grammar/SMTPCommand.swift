/// One SMTP command line, as the server receives it and the relay client sends it.
///
/// Parsed by ``SMTPCommand/parse(_:)`` and written by ``SMTPCommand/encode(into:)``, side by side in
/// `SMTPCommand+Parsing.swift` and `SMTPCommand+Encoding.swift`. `description` is the wire form with any AUTH
/// data replaced by `********`, as OpenSMTPD logs it, so commands can be logged safely.
/// - SeeAlso: [RFC 5321 §4.1.1](https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1)
public enum SMTPCommand: Hashable, Sendable {
    /// `HELO domain` (RFC 5321 §4.1.1.1).
    case helo(domain: String)
    /// `EHLO domain` (RFC 5321 §4.1.1.1).
    case ehlo(domain: String)
    /// `MAIL FROM:<path> [parameters]` (RFC 5321 §4.1.1.2).
    case mail(from: MailPath, parameters: MailParameters)
    /// `RCPT TO:<path> [parameters]` (RFC 5321 §4.1.1.3).
    case rcpt(to: MailPath, parameters: RecipientParameters)
    /// `DATA` (RFC 5321 §4.1.1.4).
    case data
    /// `BDAT size [LAST]` (RFC 3030 §2), followed by exactly `size` octets.
    case bdat(size: Int, last: Bool)
    /// `RSET` (RFC 5321 §4.1.1.5).
    case rset
    /// `NOOP [string]`; the string is ignored (RFC 5321 §4.1.1.9, OpenSMTPD 7.x).
    case noop
    /// `QUIT` (RFC 5321 §4.1.1.10).
    case quit
    /// `VRFY string`: parsed for the client side; Tern's server answers it as OpenSMTPD does (unrecognized).
    case vrfy(String)
    /// `EXPN string`: as ``vrfy(_:)``.
    case expn(String)
    /// `HELP` (OpenSMTPD takes no argument).
    case help
    /// `STARTTLS` (RFC 3207 §4).
    case startTLS
    /// `AUTH mechanism [initial-response]` (RFC 4954 §4).
    case auth(mechanism: String, initialResponse: SASLInitialResponse?)
    /// Anything else, kept for logs (never an AUTH continuation line: those are not parsed as commands).
    case unknown(String)

    /// The verbs, for replies that depend on which command failed before its arguments were understood.
    public enum Verb: String, Hashable, Sendable, CaseIterable {
        case helo = "HELO"
        case ehlo = "EHLO"
        case mail = "MAIL FROM"
        case rcpt = "RCPT TO"
        case data = "DATA"
        case bdat = "BDAT"
        case rset = "RSET"
        case noop = "NOOP"
        case quit = "QUIT"
        case vrfy = "VRFY"
        case expn = "EXPN"
        case help = "HELP"
        case startTLS = "STARTTLS"
        case auth = "AUTH"
    }

    /// This command's verb; nil for ``unknown(_:)``.
    public var verb: Verb? {
        switch self {
        case .helo: .helo
        case .ehlo: .ehlo
        case .mail: .mail
        case .rcpt: .rcpt
        case .data: .data
        case .bdat: .bdat
        case .rset: .rset
        case .noop: .noop
        case .quit: .quit
        case .vrfy: .vrfy
        case .expn: .expn
        case .help: .help
        case .startTLS: .startTLS
        case .auth: .auth
        case .unknown: nil
        }
    }
}

/// A command line the parser refused, with the reply OpenSMTPD gives. The verb is kept so that the session can
/// first answer what OpenSMTPD checks before the arguments (a MAIL before HELO gets 503 whatever its syntax).
public struct SMTPCommandError: Error, Hashable, Sendable {
    public var verb: SMTPCommand.Verb
    public var reply: SMTPReply

    public init(verb: SMTPCommand.Verb, reply: SMTPReply) {
        self.verb = verb
        self.reply = reply
    }
}
