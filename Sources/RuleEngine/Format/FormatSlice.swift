/// Something wrong with one token, before the expander attaches the token's position to it.
struct FormatFault: Error, Sendable {
    var message: String
}

/// A `[N]`, `[N:]`, `[:M]` or `[N:M]` suffix: which bytes of the value to keep.
///
/// OpenSMTPD's rules, kept exactly: indexes count bytes from 0; the end is **inclusive**; a negative start `-k`
/// means `len - k` but a negative end `-k` means `len - 1 - k`. So `[0:-4]` of `example.org` is `example`, and a
/// single negative index such as `[-1]` always fails, because its end lands one byte before its start.
struct FormatSlice: Sendable, Hashable {
    /// The first byte kept (negative: counted from the end).
    var start: Int
    /// The last byte kept, inclusive (negative: counted from the end, one further back); `nil` for "to the end".
    var end: Int?
    /// The text between the brackets, for messages.
    var text: String

    /// The largest magnitude `strtonum` accepts for an index (`EXPAND_BUFFER`).
    private static let limit = FormatBytes.bufferSize

    /// Parses the text between `[` and `]`, as OpenSMTPD does with `strtonum(…, -1024, 1024)`.
    init(content: ArraySlice<UInt8>) throws(FormatFault) {
        text = FormatBytes.text(content)
        guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else {
            let index = try Self.number(content, text: text)
            start = index
            end = index
            return
        }
        let startText = content[..<colon]
        let endText = content[(colon + 1)...]
        start = startText.isEmpty ? 0 : try Self.number(startText, text: text)
        end = endText.isEmpty ? nil : try Self.number(endText, text: text)
    }

    /// `strtonum` in base 10: optional leading white space, an optional sign, at least one digit, nothing after,
    /// and a value within ±1024.
    private static func number(_ digits: ArraySlice<UInt8>, text: String) throws(FormatFault) -> Int {
        var rest = digits.drop(while: FormatBytes.isSpace)
        var sign = 1
        if let first = rest.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            rest = rest.dropFirst()
        }
        var value = 0
        for byte in rest {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                value = Int.max
                break
            }
            value = min(value * 10 + Int(byte - UInt8(ascii: "0")), limit + 1)
        }
        guard !rest.isEmpty, value <= limit else {
            throw FormatFault(
                message: "slice [\(text)] is invalid: '\(FormatBytes.text(digits))' is not a whole number "
                    + "from -\(limit) to \(limit)"
            )
        }
        return sign * value
    }

    /// Whether this slice fails for every non-empty value (an empty value is never sliced, so it still expands to
    /// nothing). Lets the validator flag `[-1]` or `[4:2]` without an envelope.
    var failsForEveryValue: Bool {
        guard let end else { return false }
        if start >= 0 && end >= 0 { return end < start }
        if start < 0 && end < 0 { return start >= end }
        return false
    }

    /// The kept bytes of a non-empty value.
    func apply(to value: [UInt8]) throws(FormatFault) -> ArraySlice<UInt8> {
        let count = value.count
        guard start < count else {
            throw invalid("it starts past the end of the \(count)-byte value")
        }
        var first = start
        var last = min(end ?? Self.limit, count - 1)
        if first < 0 { first += count }
        if last < 0 { last += count - 1 }
        guard first >= 0 else { throw invalid("it starts before the beginning of the \(count)-byte value") }
        guard last >= 0 else { throw invalid("it ends before the beginning of the \(count)-byte value") }
        guard last >= first else {
            if !text.contains(":") {
                throw invalid("a single negative index is never valid (its end is counted one byte before its start)")
            }
            throw invalid("it ends before it starts")
        }
        // Tern's addition: a value that is not ASCII could be cut inside a character. OpenSMTPD 6.8 never sees
        // such values in addresses (it refuses 8-bit local parts), so refusing costs no compatibility.
        let cutsAtStart = FormatBytes.isContinuation(value[first])
        let cutsAtEnd = last + 1 < count && FormatBytes.isContinuation(value[last + 1])
        if cutsAtStart || cutsAtEnd {
            throw invalid("it cuts a multi-byte UTF-8 character")
        }
        return value[first...last]
    }

    private func invalid(_ reason: String) -> FormatFault {
        FormatFault(message: "slice [\(text)] is invalid: \(reason)")
    }
}
