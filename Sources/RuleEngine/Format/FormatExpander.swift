/// Expands `%{…}` format specifiers exactly as OpenSMTPD 6.8 does (`mda_expand_format` in `mda_variables.c`).
///
/// Formats appear in `mda` commands, `mda wrapper` commands and `maildir` paths, and are expanded at delivery
/// time. The rules, all pinned by `Tests/Fixtures/formats-6.8.txt`:
/// - `%{token}`, `%{token:mod1|mod2}` or `%{token[slice]}`; tokens and modifiers ignore ASCII case;
/// - values are sanitized (each of ``!#$%&'*?`{|}~`` becomes `:`) unless `:raw` is given, except
///   `user.directory` and `mda`;
/// - `%%` is `%`, a `%` not followed by `{` is literal, and a leading `~/` is the home directory plus `/`;
/// - an unknown token, a bad modifier or slice, or a result of 1024 bytes or more is an error;
/// - an unterminated `%{`, or a token of 127 bytes or more, leaves the **whole** text unexpanded.
///
/// - SeeAlso: smtpd.conf(5), "FORMAT SPECIFIERS"; `smtpd-conf.md` §8.
public enum FormatExpander {
    /// Expands a template for a command line (`mda`, `mda wrapper`).
    ///
    /// - Parameters:
    ///   - template: the text from the configuration.
    ///   - context: the delivery's envelope and user.
    /// - Returns: the expanded text, or `.unexpanded` when OpenSMTPD would use the template as it is.
    /// - Throws: `FormatError` when OpenSMTPD would fail the delivery, and for `%{mda}` outside a wrapper (where
    ///   6.8 crashes).
    public static func expand(_ template: String, context: FormatContext) throws(FormatError) -> FormatExpansionResult {
        guard let expansion = try expandBytes(Array(template.utf8), context: context) else { return .unexpanded }
        return .expanded(FormatBytes.text(expansion.bytes))
    }

    /// Expands a template that names a file or directory (a `maildir` path), refusing envelope values that would
    /// change the shape of the path.
    ///
    /// OpenSMTPD 6.8 relies on RCPT TO validation for this: it accepts only dot-atom local parts (no leading or
    /// trailing `.`, no `..`) and host-name domains, so `..` cannot arrive through an address. It still accepts a
    /// `/` in a local part, which then adds directory levels under the maildir root. Tern checks at the point of
    /// use instead, so the rule also holds for values from tables and for slices: see `FormatPathSafety`.
    ///
    /// - Returns: as `expand(_:context:)`.
    /// - Throws: as `expand(_:context:)`, and when an envelope value would put a `/` into the path, or make a
    ///   path component `.`, `..` or start with `.`.
    public static func expandPath(_ template: String, context: FormatContext) throws(FormatError)
        -> FormatExpansionResult
    {
        guard let expansion = try expandBytes(Array(template.utf8), context: context) else { return .unexpanded }
        try FormatPathSafety.check(expansion)
        return .expanded(FormatBytes.text(expansion.bytes))
    }

    /// The expanded bytes, with a record of which came from the envelope; `nil` for "no expansion".
    static func expandBytes(_ template: [UInt8], context: FormatContext) throws(FormatError) -> FormatExpansion? {
        var expansion = FormatExpansion()
        var scanner = FormatScanner(template)
        while let piece = scanner.next() {
            switch piece.kind {
            case .homePrefix:
                let home = Array(context.userDirectory.utf8) + [UInt8(ascii: "/")]
                // OpenSMTPD gives up quietly here rather than failing (`return 0`).
                guard home.count < FormatBytes.bufferSize else { return nil }
                expansion.bytes += home
            case .literal(let byte):
                expansion.bytes.append(byte)
            case .token(let text):
                let token: FormatToken
                let value: ArraySlice<UInt8>
                do throws(FormatFault) {
                    token = try FormatToken(text: text)
                    value = try token.value(in: context)
                } catch {
                    throw FormatError(message: error.message, offset: piece.offset)
                }
                if token.variable.isFromEnvelope && !value.isEmpty {
                    let range = expansion.bytes.count..<(expansion.bytes.count + value.count)
                    expansion.envelopeValues.append(.init(range: range, token: token.displayName, offset: piece.offset))
                }
                expansion.bytes += value
            case .unterminated, .tokenTooLong:
                return nil
            }
            guard expansion.bytes.count < FormatBytes.bufferSize else {
                throw FormatError(
                    message: "result longer than \(FormatBytes.bufferSize - 1) bytes",
                    offset: piece.offset
                )
            }
        }
        return expansion
    }
}

/// Expanded bytes, remembering where each envelope value landed so that path checks can tell the administrator's
/// text from the sender's.
struct FormatExpansion: Sendable {
    struct EnvelopeValue: Sendable {
        var range: Range<Int>
        /// `%{name}` of the token, for messages.
        var token: String
        /// Where the token starts in the template.
        var offset: Int
    }

    var bytes: [UInt8] = []
    var envelopeValues: [EnvelopeValue] = []
}
