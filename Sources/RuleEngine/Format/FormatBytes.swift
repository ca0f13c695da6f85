/// Byte-level helpers. Expansion works on UTF-8 bytes, not `Character`s, because OpenSMTPD's limits (127-byte
/// tokens, 1023-byte results) and its slice indexes all count bytes.
enum FormatBytes {
    /// OpenSMTPD's `EXPAND_BUFFER`: every expanded text, and every value, must be shorter than this.
    static let bufferSize = 1024
    /// OpenSMTPD's `MAXTOKENLEN`: the text between `%{` and `}` must be shorter than `tokenBufferSize - 1`.
    static let tokenBufferSize = 128

    /// OpenSMTPD's `MAILADDR_ESCAPE`: characters a shell would interpret. Sanitizing replaces each with `:`, so
    /// that an address cannot inject anything into the `/bin/sh -c` command line the value ends up in.
    static let shellSpecial: Set<UInt8> = Set("!#$%&'*?`{|}~".utf8)

    /// `tolower` in the C locale: ASCII letters only.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// `toupper` in the C locale: ASCII letters only.
    static func uppercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
    }

    /// `isspace` in the C locale, which `strtoll` skips before a number.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Whether a byte continues a multi-byte UTF-8 character (so a slice must not start or end next to it).
    static func isContinuation(_ byte: UInt8) -> Bool {
        byte & 0xC0 == 0x80
    }

    /// The value with every shell-special byte replaced by `:`.
    static func sanitized(_ value: [UInt8]) -> [UInt8] {
        value.map { shellSpecial.contains($0) ? UInt8(ascii: ":") : $0 }
    }

    /// The first index of `needle` in `haystack` at or after `start`, like `strstr` (or `strchr` for one byte).
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Text for an error message: the bytes as UTF-8, with anything invalid replaced.
    static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
