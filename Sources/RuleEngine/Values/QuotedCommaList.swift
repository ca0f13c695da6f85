/// OpenSMTPD's comma-list reading (`expand_line_split`, also behind `mailaddr_line`): elements are separated by
/// commas outside `"…"` and `'…'`; quotes stay in the element; a backslash takes the next byte literally and is
/// itself dropped. Elements are returned untrimmed, empty ones included.
enum QuotedCommaList {
    /// - Returns: the elements, and whether the list ended cleanly. An unbalanced quote or a trailing backslash
    ///   makes it incomplete: the elements before the broken one are still returned, as OpenSMTPD has already
    ///   handed those out when it notices.
    static func split(_ bytes: some Sequence<UInt8>) -> (elements: [[UInt8]], complete: Bool) {
        var elements: [[UInt8]] = []
        var element: [UInt8] = []
        var escaped = false
        var doubleQuoted = false
        var singleQuoted = false
        for byte in bytes {
            if escaped {
                element.append(byte)
                escaped = false
                continue
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            if byte == UInt8(ascii: ",") && !doubleQuoted && !singleQuoted {
                elements.append(element)
                element.removeAll(keepingCapacity: true)
                continue
            }
            element.append(byte)
            if byte == UInt8(ascii: "\"") && !singleQuoted { doubleQuoted.toggle() }
            if byte == UInt8(ascii: "'") && !doubleQuoted { singleQuoted.toggle() }
        }
        if escaped || doubleQuoted || singleQuoted { return (elements, false) }
        elements.append(element)
        return (elements, true)
    }
}
