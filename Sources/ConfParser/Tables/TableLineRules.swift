/// What one trimmed line of a table file means under some version's rules.
enum TableLineReading: Equatable {
    /// A comment (including `# @list`).
    case nothing
    /// An entry; `value` is `nil` in a list. Ranges index the file's bytes.
    case entry(key: Range<Int>, value: Range<Int>?)
    /// The line makes the whole file invalid.
    case malformed(TableLineProblem)
}

/// Why a line is malformed.
enum TableLineProblem: Equatable {
    /// A mapping line with a key and nothing after it.
    case noValue
    /// 7.x only: a key starting with `[` and no `]` on the line.
    case unclosedBracket
}

/// One OpenSMTPD version's reading of table file lines. The type is decided by the first meaningful line and
/// then shapes how every later line reads, so the rules carry that state.
protocol TableLineRules {
    /// `nil` until a data line or `# @list` decides it.
    var kind: TableContents.Kind? { get }
    /// Reads one line; `line` is a `TableFileLine.text` (non-empty, no NUL, trimmed).
    mutating func read(_ line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> TableLineReading
}

extension TableLineRules {
    /// Whether a comment line is the `# @list` marker: `#`, optional whitespace, then exactly `@list`.
    /// Both versions honour it only before the type is decided.
    static func isListMarker(_ line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = line.lowerBound + 1
        while index < line.upperBound && CByteClass.isSpace(bytes[index]) { index += 1 }
        let marker: StaticString = "@list"
        guard line.upperBound - index == marker.utf8CodeUnitCount else { return false }
        for offset in 0..<marker.utf8CodeUnitCount where bytes[index + offset] != marker.utf8Start[offset] {
            return false
        }
        return true
    }

    /// The first `' '`, `'\t'` or `':'` in `range`, or `range.upperBound`.
    static func firstKeySeparator(in range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var index = range.lowerBound
        while index < range.upperBound && !CByteClass.isKeySeparator(bytes[index]) { index += 1 }
        return index
    }
}
