/// OpenSMTPD 6.8's reading of table file lines (`table_static_priv_load` in table_static.c).
///
/// - The first data line decides the type: HASH if it holds a space, a tab or `:` anywhere, else LIST.
/// - LIST: the whole line is the key.
/// - HASH: the key ends at the first space, tab or `:`; then whitespace, and `:` followed by whitespace, are
///   skipped. So `k: v`, `k v` and `k : v` mean the same and `k :v` has the value `:v`. No value is an error.
///
/// - SeeAlso: smtpd-conf.md §7.1.
struct OpenSMTPD68LineRules: TableLineRules {
    private(set) var kind: TableContents.Kind?

    mutating func read(_ line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> TableLineReading {
        if bytes[line.lowerBound] == CByteClass.hash {
            if kind == nil && Self.isListMarker(line, in: bytes) { kind = .list }
            return .nothing
        }

        let separator = Self.firstKeySeparator(in: line, of: bytes)
        if kind == nil { kind = separator < line.upperBound ? .hash : .list }
        if kind == .list { return .entry(key: line, value: nil) }

        guard separator < line.upperBound else { return .malformed(.noValue) }
        var valueStart = separator + 1
        while valueStart < line.upperBound {
            let byte = bytes[valueStart]
            let next = valueStart + 1 < line.upperBound ? bytes[valueStart + 1] : 0
            guard CByteClass.isSpace(byte) || (byte == CByteClass.colon && CByteClass.isSpace(next)) else { break }
            valueStart += 1
        }
        guard valueStart < line.upperBound else { return .malformed(.noValue) }
        return .entry(key: line.lowerBound..<separator, value: valueStart..<line.upperBound)
    }
}
