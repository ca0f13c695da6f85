/// One thing wrong with a template, found without an envelope.
public struct FormatProblem: Sendable, Hashable, CustomStringConvertible {
    /// What OpenSMTPD 6.8 would do at delivery time because of the problem.
    public enum Consequence: Sendable, Hashable {
        /// The expansion fails, and with it every delivery through this action.
        case deliveryFails
        /// The whole template is used unexpanded (no token in it is replaced).
        case leftUnexpanded
        /// Part of the template is silently ignored.
        case textIgnored
    }

    public var message: String
    /// The byte offset in the template's UTF-8 of the `%{` concerned.
    public var offset: Int
    public var consequence: Consequence

    public init(message: String, offset: Int, consequence: Consequence) {
        self.message = message
        self.offset = offset
        self.consequence = consequence
    }

    public var description: String { "\(message) (at byte \(offset))" }
}

/// Checks a template's syntax without an envelope, for `smtpd -n` warnings.
///
/// OpenSMTPD expands formats only at delivery time, so `smtpd -n` accepts any template and a typo surfaces as
/// failed mail. Tern reports the problems up front but, to stay compatible, as warnings: the configuration is
/// still valid.
public enum FormatValidator {
    /// The problems a template will certainly have at delivery time, in template order.
    ///
    /// - Parameters:
    ///   - template: the text from the configuration.
    ///   - insideWrapper: whether the template is an `mda wrapper`, the only place `%{mda}` has a value.
    /// - Returns: unknown tokens, bad modifiers, slices that fail for every non-empty value, `%{mda}` outside a
    ///   wrapper, an unterminated `%{` or too long a token (the template then runs unexpanded), text that is
    ///   ignored, and fixed text that alone exceeds the result limit. Empty when the template is fine.
    public static func problems(in template: String, insideWrapper: Bool) -> [FormatProblem] {
        var problems: [FormatProblem] = []
        var fixedLength = 0
        var scanner = FormatScanner(Array(template.utf8))
        while let piece = scanner.next() {
            switch piece.kind {
            case .homePrefix:
                fixedLength += 1
            case .literal:
                fixedLength += 1
            case .token(let text):
                problems += tokenProblems(text, offset: piece.offset, insideWrapper: insideWrapper)
            case .unterminated:
                problems.append(
                    FormatProblem(
                        message: "'%{' has no closing '}', so OpenSMTPD uses the whole text unexpanded",
                        offset: piece.offset,
                        consequence: .leftUnexpanded
                    )
                )
            case .tokenTooLong(let length):
                problems.append(
                    FormatProblem(
                        message:
                            "a token of \(length) bytes is too long (at most \(FormatScanner.maximumTokenLength)), "
                            + "so OpenSMTPD uses the whole text unexpanded",
                        offset: piece.offset,
                        consequence: .leftUnexpanded
                    )
                )
            }
        }
        if fixedLength >= FormatBytes.bufferSize {
            problems.append(
                FormatProblem(
                    message: "the text alone is longer than \(FormatBytes.bufferSize - 1) bytes once expanded",
                    offset: 0,
                    consequence: .deliveryFails
                )
            )
        }
        return problems
    }

    private static func tokenProblems(_ text: ArraySlice<UInt8>, offset: Int, insideWrapper: Bool) -> [FormatProblem] {
        let token: FormatToken
        do throws(FormatFault) {
            token = try FormatToken(text: text)
        } catch {
            return [FormatProblem(message: error.message, offset: offset, consequence: .deliveryFails)]
        }
        var problems: [FormatProblem] = []
        if token.variable == .mda && !insideWrapper {
            problems.append(
                FormatProblem(
                    message: "%{mda} is only valid inside an mda wrapper (OpenSMTPD 6.8 crashes the delivery)",
                    offset: offset,
                    consequence: .deliveryFails
                )
            )
        }
        if let slice = token.slice, slice.failsForEveryValue {
            problems.append(
                FormatProblem(
                    message: "slice [\(slice.text)] of \(token.displayName) fails for every non-empty value",
                    offset: offset,
                    consequence: .deliveryFails
                )
            )
        }
        if !token.ignoredSuffix.isEmpty {
            problems.append(
                FormatProblem(
                    message: "'\(token.ignoredSuffix)' after the slice of \(token.displayName) is ignored",
                    offset: offset,
                    consequence: .textIgnored
                )
            )
        }
        return problems
    }
}
