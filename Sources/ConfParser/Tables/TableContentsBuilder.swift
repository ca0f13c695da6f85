/// Collects the entries of a table file as byte ranges of the file (a `TableEntryRecord` each), and notes
/// what Tern should warn about. The file's buffer itself becomes the table's storage afterwards, so no text
/// is copied.
struct TableContentsBuilder {
    /// OpenSMTPD copies keys into a 1024-byte buffer and silently drops longer ones (`table_static_priv_add`).
    static let longestKey = 1023

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var records: [TableEntryRecord] = []
    private var firstLongKeyLine: Int?
    private var longKeyCount = 0
    private var firstInvalidUTF8Line: Int?
    private var lastInvalidUTF8Line: Int?
    private var invalidUTF8Count = 0

    init(bytes: UnsafeBufferPointer<UInt8>, expectedCount: Int) {
        self.bytes = bytes
        records.reserveCapacity(expectedCount)
    }

    mutating func add(key: Range<Int>, value: Range<Int>?, line: Int) {
        guard key.count <= Self.longestKey else {
            if firstLongKeyLine == nil { firstLongKeyLine = line }
            longKeyCount += 1
            return
        }
        checkUTF8(key, line: line)
        if let value { checkUTF8(value, line: line) }
        records.append(TableEntryRecord(key: key, value: value))
    }

    /// Tern's warnings about what was read, each prefixed with `path`.
    func warnings(path: String) -> [String] {
        var warnings: [String] = []
        if let line = firstLongKeyLine {
            warnings.append(
                "\(path): line \(line)\(Self.inAll(longKeyCount)) has a key longer than \(Self.longestKey) bytes; "
                    + "it is ignored, as OpenSMTPD ignores it"
            )
        }
        if let line = firstInvalidUTF8Line {
            warnings.append(
                "\(path): line \(line)\(Self.inAll(invalidUTF8Count)) is not valid UTF-8; "
                    + "Tern reads the invalid bytes as U+FFFD"
            )
        }
        return warnings
    }

    private static func inAll(_ count: Int) -> String {
        count > 1 ? " (and \(count - 1) more)" : ""
    }

    /// Notes a key or value that is not UTF-8. ASCII, by far the common case, is checked eight bytes at a time.
    private mutating func checkUTF8(_ range: Range<Int>, line: Int) {
        let source = UnsafeBufferPointer(rebasing: bytes[range])
        guard !Self.isASCII(source), String(validating: source, as: UTF8.self) == nil else { return }
        if firstInvalidUTF8Line == nil { firstInvalidUTF8Line = line }
        if lastInvalidUTF8Line != line { invalidUTF8Count += 1 }
        lastInvalidUTF8Line = line
    }

    @inline(__always)
    private static func isASCII(_ source: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(source)
        var offset = 0
        var high: UInt64 = 0
        while offset + 8 <= raw.count {
            high |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < raw.count {
            high |= UInt64(raw[offset])
            offset += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
