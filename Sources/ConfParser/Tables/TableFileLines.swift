#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of a table file, trimmed the way OpenSMTPD trims it.
struct TableFileLine {
    /// 1-based, counting every line, blank or not (OpenSMTPD's `lineno`).
    var number: Int
    /// The meaningful bytes, or `nil` for a blank line. Never empty, never starts or contains NUL.
    var text: Range<Int>?
    /// The line held a NUL byte, which ended it early (C strings stop there).
    var hadNUL: Bool
}

/// Cuts a table file into lines and trims each one exactly as OpenSMTPD's loaders do.
///
/// Both 6.8 (`table_static_priv_load`) and 7.x (`parse_table_line`) read a line with `getline`, skip leading
/// `isspace` bytes (stopping at NUL), treat the line as blank if nothing is left, trim trailing `isspace` bytes
/// from the *raw* end of the line, and then use it as a C string. So a NUL ends the line, and whitespace just
/// before a NUL is not trimmed. The cursor reproduces that so that no byte sequence reads differently.
struct TableFileLineCursor {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var number = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func next() -> TableFileLine? {
        guard let base = bytes.baseAddress, position < bytes.count else { return nil }
        number += 1
        let start = position
        let end: Int
        if let newline = memchr(base + start, Int32(CByteClass.newline), bytes.count - start) {
            end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            position = end + 1
        } else {
            end = bytes.count
            position = end
        }

        var textStart = start
        while textStart < end && CByteClass.isSpace(bytes[textStart]) { textStart += 1 }
        if textStart == end { return TableFileLine(number: number, text: nil, hadNUL: false) }
        if bytes[textStart] == 0 { return TableFileLine(number: number, text: nil, hadNUL: true) }

        // bytes[textStart] is neither space nor NUL, so this stops at textStart + 1 at the latest.
        var trimmedEnd = end
        while CByteClass.isSpace(bytes[trimmedEnd - 1]) { trimmedEnd -= 1 }

        if let nul = memchr(base + textStart, 0, trimmedEnd - textStart) {
            let nulIndex = base.distance(to: nul.assumingMemoryBound(to: UInt8.self))
            return TableFileLine(number: number, text: textStart..<nulIndex, hadNUL: true)
        }
        return TableFileLine(number: number, text: textStart..<trimmedEnd, hadNUL: false)
    }
}
