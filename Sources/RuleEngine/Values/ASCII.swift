/// Byte-level helpers with the C locale's meaning, because OpenSMTPD compares and folds with `tolower(3)`,
/// `isalnum(3)` and `isspace(3)` in the "C" locale: only ASCII letters change case, and a byte of 0x80 or more is
/// neither a letter nor a digit. Swift's `lowercased()` folds Unicode, which would make `İ@x` and `i@x` collide.
enum ASCII {
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `isspace(3)`: space, tab, newline, vertical tab, form feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0d) }

    /// `strip()` in util.c: the bytes without leading and trailing white space.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    static func text<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// ASCII-only lower case, as OpenSMTPD's `lowercase()` folds table keys and user names.
    var asciiLowercased: String {
        var bytes = Array(utf8)
        var changed = false
        for i in bytes.indices where bytes[i] >= UInt8(ascii: "A") && bytes[i] <= UInt8(ascii: "Z") {
            bytes[i] += 32
            changed = true
        }
        return changed ? ASCII.text(bytes) : self
    }
}
