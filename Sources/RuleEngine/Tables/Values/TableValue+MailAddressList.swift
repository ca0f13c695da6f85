extension TableValue {
    /// A `mailaddrmap` value (listener `senders <T>`: user → the addresses that user may send as): a comma
    /// list of mail address patterns, read as OpenSMTPD's `mailaddr_line` reads it.
    ///
    /// - commas inside `"…"` or `'…'` do not split, and the quotes stay in the element;
    /// - a backslash keeps the next character (commas included) and is itself dropped;
    /// - each element is trimmed of white space, and empty ones are skipped;
    /// - an unbalanced quote, a final backslash, an element of 2048 bytes or more, or an element that is not an
    ///   address (a part of 256 bytes or more) makes the whole value invalid (nil).
    public static func mailAddressList(_ value: String) -> [MailAddressPattern]? {
        var patterns: [MailAddressPattern] = []
        var element: [UInt8] = []
        var escaped = false
        var inDoubleQuotes = false
        var inSingleQuotes = false

        func finish() -> Bool {
            let trimmed = element.drop { isSpace($0) }.reversed().drop { isSpace($0) }.reversed()
            element.removeAll(keepingCapacity: true)
            if trimmed.isEmpty { return true }
            guard let pattern = MailAddressPattern(text: String(decoding: trimmed, as: UTF8.self)) else { return false }
            patterns.append(pattern)
            return true
        }

        for byte in value.utf8 {
            if byte == 0 { break }
            guard element.count < lineBufferSize else { return nil }
            if escaped {
                element.append(byte)
                escaped = false
                continue
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            if byte == UInt8(ascii: ",") && !inDoubleQuotes && !inSingleQuotes {
                guard finish() else { return nil }
                continue
            }
            element.append(byte)
            if byte == UInt8(ascii: "\"") && !inSingleQuotes { inDoubleQuotes.toggle() }
            if byte == UInt8(ascii: "'") && !inDoubleQuotes { inSingleQuotes.toggle() }
        }
        guard !escaped, !inDoubleQuotes, !inSingleQuotes, element.count < lineBufferSize, finish() else { return nil }
        return patterns
    }

    /// C's `isspace` in the "C" locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte &- 0x09) < 5
    }
}
