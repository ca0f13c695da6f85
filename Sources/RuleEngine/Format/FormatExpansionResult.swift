/// What a successful expansion produced.
///
/// OpenSMTPD 6.8 has two ways to "succeed": it either rewrites the text, or it gives up quietly and leaves the text
/// exactly as written. The second happens for an unterminated `%{` and for a token of 127 bytes or more; the
/// caller only checks for errors, so the command (or maildir path) is then used **completely unexpanded**,
/// including any well-formed tokens before the problem. Tern keeps that behaviour, but makes it visible.
public enum FormatExpansionResult: Sendable, Hashable {
    /// The expanded text (possibly empty).
    case expanded(String)
    /// No expansion took place: the caller uses the template as it is, like OpenSMTPD does.
    case unexpanded

    /// The text the caller should use: the expansion, or the template itself when nothing was expanded.
    public func text(template: String) -> String {
        switch self {
        case .expanded(let text): text
        case .unexpanded: template
        }
    }
}

/// Why a template could not be expanded. OpenSMTPD fails the delivery in the same cases
/// ("mda command line could not be expanded").
public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the token or modifier at fault.
    public var message: String
    /// The byte offset in the template's UTF-8 of the `%{` whose token failed, or of the point where the result
    /// grew too long.
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at byte \(offset))" }
}
