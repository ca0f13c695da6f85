/// Reads alias, virtual and .forward values into elements, as OpenSMTPD's `expand_line` does.
///
/// - The value is split at commas outside `"…"` and `'…'`. A backslash takes the next byte literally and is
///   removed. An unbalanced quote or a trailing backslash makes the whole value invalid.
/// - Each element is trimmed; empty ones are skipped.
/// - Each element is classified, first match wins: `error:`, `include:`, `|command`, `/file`, `user@domain`,
///   `user`. Anything else makes the value invalid **from that element on**: OpenSMTPD has already kept the
///   elements before it, which matters only for include files (where the failure is otherwise ignored).
///
/// - SeeAlso: `expand_line`, `expand_line_split` (expand.c) and `text_to_expandnode` (to.c).
enum AliasValueParser {
    /// What one value gave.
    struct Result: Sendable, Hashable {
        /// The elements before any invalid one, in the order written.
        var items: [ExpansionItem]
        /// Whether the value was invalid (OpenSMTPD's `expand_line` returning 0).
        var failed: Bool
    }

    /// OpenSMTPD's LINE_MAX on Linux: a value of this many bytes or more is invalid.
    static let lineMax = 2048
    /// `EXPAND_BUFFER`: the longest file, command, include or error text is one byte less.
    static let bufferSize = 1024
    /// `SMTPD_MAXLOCALPARTSIZE`: the longest user name is one byte less.
    static let userSize = 256

    /// - Parameters:
    ///   - value: the value bytes.
    ///   - includes: whether `:include:` elements are kept (alias and virtual tables) or dropped silently
    ///     (.forward files and the lines of include files).
    static func parse(_ value: [UInt8], includes: Bool) -> Result {
        guard value.count < lineMax else { return Result(items: [], failed: true) }
        var items: [ExpansionItem] = []
        let list = QuotedCommaList.split(value)
        for element in list.elements {
            let trimmed = ASCII.trimmed(element[...])
            if trimmed.isEmpty { continue }
            guard let item = classify(Array(trimmed)) else { return Result(items: items, failed: true) }
            if case .include = item, !includes { continue }
            items.append(item)
        }
        return Result(items: items, failed: !list.complete)
    }

    static func parse(_ value: String, includes: Bool) -> Result { parse(Array(value.utf8), includes: includes) }

    /// `text_to_expandnode`.
    static func classify(_ text: [UInt8]) -> ExpansionItem? {
        error(text) ?? include(text) ?? filter(text) ?? filename(text) ?? address(text) ?? username(text)
    }

    private static func hasPrefix(_ text: [UInt8], caseInsensitive prefix: String) -> Bool {
        let prefix = Array(prefix.utf8)
        guard text.count >= prefix.count else { return false }
        return zip(text, prefix).allSatisfy { ASCII.lowercased($0) == $1 }
    }

    /// `error:CODE TEXT` / `:error:CODE TEXT`: CODE is 4xx or 5xx, then one space and an alphanumeric byte.
    private static func error(_ text: [UInt8]) -> ExpansionItem? {
        let skip: Int
        if hasPrefix(text, caseInsensitive: ":error:") { skip = 7 }
        else if hasPrefix(text, caseInsensitive: "error:") { skip = 6 }
        else { return nil }
        let body = Array(text[skip...])
        guard body.count < bufferSize, body.count >= 5,
              body[0] == UInt8(ascii: "4") || body[0] == UInt8(ascii: "5"),
              ASCII.isDigit(body[1]), ASCII.isDigit(body[2]), body[3] == UInt8(ascii: " "),
              ASCII.isAlphanumeric(body[4])
        else { return nil }
        return .error(ASCII.text(body))
    }

    /// `:include:/path` / `include:/path`, the path being absolute.
    private static func include(_ text: [UInt8]) -> ExpansionItem? {
        let skip: Int
        if hasPrefix(text, caseInsensitive: ":include:") { skip = 9 }
        else if hasPrefix(text, caseInsensitive: "include:") { skip = 8 }
        else { return nil }
        guard case .filename(let path) = filename(Array(text[skip...])) else { return nil }
        return .include(path)
    }

    /// `|command` or `"|command"` (the closing quote is then required and removed).
    private static func filter(_ text: [UInt8]) -> ExpansionItem? {
        let quoted = text.first == UInt8(ascii: "\"")
        let start = quoted ? 1 : 0
        guard text.count > start, text[start] == UInt8(ascii: "|") else { return nil }
        var command = Array(text[(start + 1)...])
        guard command.count < bufferSize else { return nil }
        if quoted {
            guard command.last == UInt8(ascii: "\"") else { return nil }
            command.removeLast()
        }
        return .filter(ASCII.text(command))
    }

    /// `/absolute/path`.
    private static func filename(_ text: [UInt8]) -> ExpansionItem? {
        guard text.first == UInt8(ascii: "/"), text.count < bufferSize else { return nil }
        return .filename(ASCII.text(text))
    }

    static let localPartSpecials = Set("!#$%*/?|^{}`~&'+-=_.".utf8)

    /// `user@domain`, split at the first `@`, which may neither start nor end it. OpenSMTPD truncates each part
    /// to 255 bytes without complaint.
    private static func address(_ text: [UInt8]) -> ExpansionItem? {
        guard text.count >= 3, let at = text.firstIndex(of: UInt8(ascii: "@")), at != 0, at != text.count - 1
        else { return nil }
        let user = text[..<at]
        let domain = text[(at + 1)...]
        guard user.allSatisfy({ ASCII.isAlphanumeric($0) || localPartSpecials.contains($0) }),
              domain.allSatisfy({ ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else { return nil }
        return .address(MailAddress(
            user: ASCII.text(user.prefix(userSize - 1)), domain: ASCII.text(domain.prefix(userSize - 1))))
    }

    /// A user name: letters, digits, `_ . - +`.
    private static func username(_ text: [UInt8]) -> ExpansionItem? {
        guard text.count < userSize,
              text.allSatisfy({
                  ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                      || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
              })
        else { return nil }
        return .username(ASCII.text(text))
    }
}
