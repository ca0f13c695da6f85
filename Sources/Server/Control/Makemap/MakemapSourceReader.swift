import RuleEngine

/// Reads a makemap source file as OpenSMTPD 6.8's makemap does, which is not how smtpd reads a file table:
/// lines come from fparseln(3) with its default rules (a backslash at the end of a line joins the next one,
/// `#` starts a comment, `\#` is a literal `#`; nothing else is unescaped and trailing white space stays).
///
/// OpenSMTPD 7.x's makemap switched to smtpd's table reader (`parse_table_line`); Debian ships 6.8, whose
/// databases are the reference here.
struct MakemapSourceReader {
    private let bytes: [UInt8]
    private var position = 0
    /// fparseln's line counter: physical lines read so far, the one a message about the last entry names.
    private(set) var lineNumber = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    private static let escape = UInt8(ascii: "\\")
    private static let comment = UInt8(ascii: "#")
    private static let newline = UInt8(ascii: "\n")

    /// The next logical line, or nil at end of file. A line made only of a comment is skipped, as fparseln
    /// does when nothing has been read yet.
    mutating func nextLine() -> [UInt8]? {
        var buffer: [UInt8]?
        var more = true
        while more {
            more = false
            lineNumber += 1
            guard position < bytes.count else { break }
            let end = bytes[position...].firstIndex(of: Self.newline).map { $0 + 1 } ?? bytes.count
            let line = bytes[position..<end]
            position = end
            var stop = line.endIndex
            if let hash = line.indices.first(where: { line[$0] == Self.comment && !Self.isEscaped(line, at: $0) }) {
                stop = hash
                more = stop == line.startIndex && buffer == nil
            }
            if stop > line.startIndex && line[stop - 1] == Self.newline { stop -= 1 }
            if stop > line.startIndex && line[stop - 1] == Self.escape && !Self.isEscaped(line, at: stop - 1) {
                stop -= 1
                more = true
            }
            if stop == line.startIndex && buffer != nil { continue }
            buffer = (buffer ?? []) + line[line.startIndex..<stop]
        }
        guard let buffer else { return nil }
        return Self.unescapingComments(Self.cString(buffer))
    }

    /// Whether an odd number of backslashes precede `index`.
    private static func isEscaped(_ line: ArraySlice<UInt8>, at index: Int) -> Bool {
        var count = 0
        var cursor = index - 1
        while cursor >= line.startIndex && line[cursor] == escape {
            count += 1
            cursor -= 1
        }
        return count % 2 == 1
    }

    /// The C code sees the line up to its first NUL.
    private static func cString(_ line: [UInt8]) -> [UInt8] {
        guard let nul = line.firstIndex(of: 0) else { return line }
        return Array(line[..<nul])
    }

    /// FPARSELN_UNESCCOMM: `\#` becomes `#`; any other backslash stays with the byte after it, and a backslash
    /// that ends the line is dropped.
    private static func unescapingComments(_ line: [UInt8]) -> [UInt8] {
        guard line.contains(escape) else { return line }
        var result: [UInt8] = []
        result.reserveCapacity(line.count)
        var index = 0
        while index < line.count {
            guard line[index] == escape else {
                result.append(line[index])
                index += 1
                continue
            }
            guard index + 1 < line.count else { break }
            if line[index + 1] != comment { result.append(escape) }
            result.append(line[index + 1])
            index += 2
        }
        return result
    }
}

/// How OpenSMTPD 6.8's makemap splits a line into a key and a value.
enum MakemapEntry {
    case blank
    /// The key as written (not yet lowercased) and the value, trailing white space and all.
    case entry(key: [UInt8], value: [UInt8])
    case invalid

    /// `parse_mapentry`: the key ends at the first space, tab or `:`; then `:`s and white space are skipped;
    /// the value is the rest and must not be empty.
    static func mapping(_ line: [UInt8]) -> MakemapEntry {
        let start = line.firstIndex { !isCSpace($0) } ?? line.endIndex
        guard start < line.endIndex else { return .blank }
        guard let separator = line[start...].firstIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t")
            || $0 == UInt8(ascii: ":") })
        else { return .invalid }
        let valueStart = line[(separator + 1)...].firstIndex { $0 != UInt8(ascii: ":") && !isCSpace($0) }
        guard let valueStart else { return .invalid }
        return .entry(key: Array(line[start..<separator]), value: Array(line[valueStart...]))
    }

    /// `parse_setentry`: the key is the whole line after its leading white space.
    static func set(_ line: [UInt8]) -> MakemapEntry {
        let start = line.firstIndex { !isCSpace($0) } ?? line.endIndex
        guard start < line.endIndex else { return .blank }
        return .entry(key: Array(line[start...]), value: Array("<set>".utf8))
    }

    /// `make_aliases`: every comma-separated element, stripped, must be a valid expansion.
    static func isValidAliasValue(_ value: [UInt8]) -> Bool {
        value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).allSatisfy { element in
            let stripped = element.drop(while: isCSpace).reversed().drop(while: isCSpace).reversed()
            return !stripped.isEmpty && AliasElementSyntax.isValid(Array(stripped))
        }
    }

    /// C's isspace in the C locale.
    static func isCSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0d).contains(byte) }
}
