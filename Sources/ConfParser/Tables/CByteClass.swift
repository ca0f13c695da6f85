/// Byte classes as OpenSMTPD's C sees them (the "C" locale; smtpd never calls `setlocale`).
enum CByteClass {
    static let newline: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let hash: UInt8 = 0x23
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D

    /// `isspace`: space, `\t`, `\n`, `\v`, `\f` and `\r`. Bytes above 0x7F are never space.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == space || (byte &- 0x09) < 5
    }

    /// The characters that end a key in a mapping line, OpenSMTPD's `" \t:"`.
    @inline(__always)
    static func isKeySeparator(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == colon
    }

    /// `tolower` for one byte: only `A`…`Z` change.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte &- 0x41) < 26 ? byte | 0x20 : byte
    }
}
