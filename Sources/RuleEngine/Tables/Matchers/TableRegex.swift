#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A table entry used as a POSIX extended regular expression: the `regex` service (`from src regex`,
/// `mail-from regex`, …), compiled once with the C library's `regcomp`, as OpenSMTPD's `table_regex_match`
/// compiles it (there, anew for every lookup).
///
/// A leading `(?i)` is removed and makes the expression case-insensitive. No anchors are added, so `foo`
/// matches anywhere. Table keys are lowercased when loaded and lookup keys before matching, so the pattern
/// seen is the lowercased entry. A pattern that does not compile never matches.
///
/// `regexec` does not change a compiled expression (glibc locks internally), so one can serve all threads.
final class TableRegex: @unchecked Sendable {
    private let compiled: UnsafeMutablePointer<regex_t>

    /// Compiles `pattern`, or returns nil when `regcomp` refuses it.
    init?(pattern: String) {
        var flags = REG_EXTENDED | REG_NOSUB
        var text = Substring(pattern)
        if text.hasPrefix("(?i)") {
            flags |= REG_ICASE
            text = text.dropFirst(4)
        }
        // Compiled before any property is set: a failed class initializer that had set them all would run deinit.
        let expression = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        guard regcomp(expression, String(text), flags) == 0 else {
            expression.deallocate()
            return nil
        }
        compiled = expression
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    /// Whether the expression matches anywhere in `text`.
    func matches(_ text: String) -> Bool {
        regexec(compiled, text, 0, nil, 0) == 0
    }
}
