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
        let list = QuotedCommaList.split(value.utf8.prefix { $0 != 0 })
        guard list.complete else { return nil }
        var patterns: [MailAddressPattern] = []
        for element in list.elements {
            guard element.count < lineBufferSize else { return nil }
            let trimmed = element.drop { isSpace($0) }.reversed().drop { isSpace($0) }.reversed()
            if trimmed.isEmpty { continue }
            guard let pattern = MailAddressPattern(text: String(decoding: trimmed, as: UTF8.self)) else { return nil }
            patterns.append(pattern)
        }
        return patterns
    }

    /// C's `isspace` in the "C" locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte &- 0x09) < 5
    }
}
