extension ConfigPrinter {
    private static let backslash = UInt8(ascii: "\\")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let singleQuote = UInt8(ascii: "'")
    private static let newline = UInt8(ascii: "\n")

    /// Bytes no quoted string can carry: the lexer drops a raw newline, refuses a NUL, and takes 0x01 and 0x02 as
    /// its macro-expansion markers wherever they appear.
    private static func isUnrepresentable(_ byte: UInt8) -> Bool {
        byte == newline || byte == 0 || byte == 1 || byte == 2
    }

    /// Text as a quoted string that the lexer reads back byte for byte.
    ///
    /// Inside quotes the lexer takes `\` followed by the quote character, a space or a tab as that character,
    /// drops `\` followed by a newline, and keeps any other backslash with the byte after it. So a run of N
    /// backslashes is written as N + 1 backslashes when the quote character, a space or a tab follows it (the
    /// last one escapes that byte), as N backslashes before any other byte, and as N + 1 backslashes and a
    /// newline at the very end (a continuation, because a backslash right before the closing quote would escape
    /// it). Double quotes are used unless the text holds `"` but no `'`.
    static func quote(_ text: String) -> String {
        let bytes = text.utf8.filter { !isUnrepresentable($0) }
        let quote = bytes.contains(doubleQuote) && !bytes.contains(singleQuote) ? singleQuote : doubleQuote
        var out: [UInt8] = [quote]
        out.reserveCapacity(bytes.count + 2)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == backslash else {
                if byte == quote { out.append(backslash) }
                out.append(byte)
                index += 1
                continue
            }
            var end = index
            while end < bytes.count && bytes[end] == backslash { end += 1 }
            let run = end - index
            if end == bytes.count {
                out += repeatElement(backslash, count: run + 1)
                out.append(newline)
            } else if bytes[end] == quote || bytes[end] == 0x20 || bytes[end] == 0x09 {
                out += repeatElement(backslash, count: run + 1)
                out.append(bytes[end])
                end += 1
            } else {
                out += repeatElement(backslash, count: run)
            }
            index = end
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }

    /// A word from a fixed vocabulary (`4d`, `35M`, `max-session`, `auto`): bare when the lexer reads it back as
    /// the same single STRING token, quoted otherwise.
    static func word(_ text: String) -> String {
        isBareWord(text) ? text : quote(text)
    }

    /// Whether text, written unquoted, lexes as exactly one STRING token with that value: it starts with a letter,
    /// digit, `:` or `_`, every byte may continue a word (and is not a backslash, which the lexer would drop), it
    /// is not a keyword, and it does not begin with digits that the lexer would take as a NUMBER.
    static func isBareWord(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return false }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let isLetter = { (byte: UInt8) in (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard isLetter(first) || isDigit(first) || first == UInt8(ascii: ":") || first == UInt8(ascii: "_") else {
            return false
        }
        guard bytes.allSatisfy({ Lexer.allowedInString(Lexer.Unit($0)) && $0 != backslash }) else { return false }
        guard Keyword(rawValue: text) == nil else { return false }
        if isDigit(first) {
            // Digits followed by the end, or by a byte that may end a number (only `/` can also be in a word),
            // are a NUMBER.
            guard let after = bytes.first(where: { !isDigit($0) }), after != UInt8(ascii: "/") else { return false }
        }
        return true
    }

    /// A table argument: `<"name">`, an inline `{ … }`, or one quoted string.
    static func table(_ ref: TableRef) -> String {
        switch ref {
        case .named(let name): "<" + quote(name) + ">"
        case .inline(let contents): inlineTable(contents)
        case .string(let value): quote(value)
        }
    }

    /// `{ "a", "b" }` or `{ "k" = "v", "k2" => "v2" }`, on one line.
    static func inlineTable(_ contents: InlineTable) -> String {
        let elements: [String]
        switch contents {
        case .list(let values):
            elements = values.map(quote)
        case .mapping(let pairs):
            elements = pairs.map { quote($0.key) + ($0.arrow ? " => " : " = ") + quote($0.value) }
        }
        return elements.isEmpty ? "{ }" : "{ " + elements.joined(separator: ", ") + " }"
    }
}
