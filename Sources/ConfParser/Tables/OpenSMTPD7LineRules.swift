/// OpenSMTPD 7.x's reading of table file lines (`parse_table_line` in util.c, shared with makemap since 7.5,
/// with bracketed keys since 7.6).
///
/// - A key starting with `[` runs to the first `]` (no `]` is an error, even in a list); the byte after the
///   `]` is the separator, whatever it is. Otherwise the key ends at the first space, tab or `:`.
/// - The first data line decides the type: LIST if the key is the whole line, else HASH.
/// - HASH: after the one separator byte only spaces and tabs are skipped, so `k : v` has the value `: v`.
///
/// - SeeAlso: smtpd-conf.md §7.2.
struct OpenSMTPD7LineRules: TableLineRules {
    private(set) var kind: TableContents.Kind?

    mutating func read(_ line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> TableLineReading {
        if bytes[line.lowerBound] == CByteClass.hash {
            if kind == nil && Self.isListMarker(line, in: bytes) { kind = .list }
            return .nothing
        }

        let separator: Int
        if bytes[line.lowerBound] == CByteClass.openBracket {
            var close = line.lowerBound + 1
            while close < line.upperBound && bytes[close] != CByteClass.closeBracket { close += 1 }
            guard close < line.upperBound else { return .malformed(.unclosedBracket) }
            separator = close + 1
        } else {
            separator = Self.firstKeySeparator(in: line, of: bytes)
        }

        if kind == nil { kind = separator < line.upperBound ? .hash : .list }
        if kind == .list { return .entry(key: line, value: nil) }

        guard separator < line.upperBound else { return .malformed(.noValue) }
        var valueStart = separator + 1
        while valueStart < line.upperBound,
            bytes[valueStart] == CByteClass.space || bytes[valueStart] == CByteClass.tab
        {
            valueStart += 1
        }
        guard valueStart < line.upperBound else { return .malformed(.noValue) }
        return .entry(key: line.lowerBound..<separator, value: valueStart..<line.upperBound)
    }
}
