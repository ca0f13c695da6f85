/// OpenBSD's `strtonum(3)`, which OpenSMTPD uses for uids, gids, ports and prefix lengths: `strtoll` in base
/// 10 (leading white space and one sign allowed), the whole text consumed, and the value within bounds.
enum StrToNum {
    static func parse(_ text: UnsafeRawBufferPointer, in range: ClosedRange<Int64>) -> Int64? {
        var index = 0
        while index < text.count && isSpace(text[index]) { index += 1 }
        var negative = false
        if index < text.count && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        let digitsStart = index
        var value: Int64 = 0
        while index < text.count && text[index] &- UInt8(ascii: "0") < 10 {
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(Int64(text[index] - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            value = added
            index += 1
        }
        guard index > digitsStart, index == text.count else { return nil }
        let result = negative ? -value : value
        return range.contains(result) ? result : nil
    }

    static func parse(_ text: Substring, in range: ClosedRange<Int64>) -> Int64? {
        var text = String(text)
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), in: range) }
    }

    /// C's `isspace` in the "C" locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte &- 0x09) < 5
    }
}
