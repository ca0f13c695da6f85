/// Splits a file into logical lines as `fparseln(3)` does for OpenSMTPD (flags 0), so that .forward files and
/// alias `:include:` files read the same.
///
/// Per physical line: a `comment` byte that is not escaped cuts the line there; the newline is dropped; an
/// unescaped `continuation` byte at the end joins the next line. Escape bytes stay in the text (flags 0 does not
/// remove them): the alias value parser handles them later. A line that is nothing but a comment is skipped, but
/// an empty line is returned as an empty line.
///
/// OpenSMTPD uses two settings:
/// - .forward: the defaults, escape `\`, continuation `\`, comment `#`;
/// - `:include:` files: escape `\`, continuation **`#`**, and no comment byte, so a line ending in `#` joins the
///   next one and `# text` is not a comment (see `smtpd-conf.md` §6).
struct LogicalLines {
    var escape: UInt8?
    var continuation: UInt8?
    var comment: UInt8?

    static let forwardFile = LogicalLines(
        escape: UInt8(ascii: "\\"), continuation: UInt8(ascii: "\\"), comment: UInt8(ascii: "#"))
    static let includeFile = LogicalLines(escape: UInt8(ascii: "\\"), continuation: UInt8(ascii: "#"), comment: nil)

    func split(_ bytes: [UInt8]) -> [[UInt8]] {
        let physical = Self.physicalLines(bytes)
        var next = 0
        var result: [[UInt8]] = []
        while true {
            // One fparseln() call: `more` is its `cnt`.
            var buffer: [UInt8]? = nil
            var more = true
            while more {
                more = false
                guard next < physical.count else { break }
                var line = physical[next]
                next += 1
                if let comment, let cut = firstUnescaped(comment, in: line) {
                    line.removeSubrange(cut...)
                    more = line.isEmpty && buffer == nil
                }
                if line.last == UInt8(ascii: "\n") { line.removeLast() }
                if let continuation, let last = line.last, last == continuation,
                   !isEscaped(line, at: line.count - 1)
                {
                    line.removeLast()
                    more = true
                }
                if line.isEmpty && buffer != nil { continue }
                buffer = (buffer ?? []) + line
            }
            guard let line = buffer else { break }
            result.append(line)
        }
        return result
    }

    /// The lines as fgetln(3) returns them: each with its newline, the last one possibly without.
    private static func physicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(Array(bytes[start...index]))
            start = index + 1
        }
        if start < bytes.count { lines.append(Array(bytes[start...])) }
        return lines
    }

    private func firstUnescaped(_ byte: UInt8, in line: [UInt8]) -> Int? {
        var position = 0
        while position < line.count {
            if line[position] == byte && !isEscaped(line, at: position) { return position }
            position += 1
        }
        return nil
    }

    /// Whether an odd number of escape bytes stands right before `position`.
    private func isEscaped(_ line: [UInt8], at position: Int) -> Bool {
        guard let escape else { return false }
        var count = 0
        var cursor = position - 1
        while cursor >= 0 && line[cursor] == escape {
            count += 1
            cursor -= 1
        }
        return count % 2 == 1
    }
}
