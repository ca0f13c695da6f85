/// Collects entries into a `TableContents`, turning byte ranges into strings the way OpenSMTPD stores them,
/// and notes what Tern should warn about.
struct TableContentsBuilder {
    /// OpenSMTPD copies keys into a 1024-byte buffer and silently drops longer ones (`table_static_priv_add`).
    static let longestKey = 1023

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var entries: [String: String?] = [:]
    private var firstLongKeyLine: Int?
    private var longKeyCount = 0
    private var firstInvalidUTF8Line: Int?
    private var lastInvalidUTF8Line: Int?
    private var invalidUTF8Count = 0

    init(bytes: UnsafeBufferPointer<UInt8>, expectedCount: Int) {
        self.bytes = bytes
        entries.reserveCapacity(expectedCount)
    }

    mutating func add(key: Range<Int>, value: Range<Int>?, line: Int) {
        guard key.count <= Self.longestKey else {
            if firstLongKeyLine == nil { firstLongKeyLine = line }
            longKeyCount += 1
            return
        }
        let keyString = makeString(key, lowercased: true, line: line)
        let valueString = value.map { makeString($0, lowercased: false, line: line) }
        entries.updateValue(valueString, forKey: keyString)
    }

    /// Tern's warnings about what was read, each prefixed with `path`.
    func warnings(path: String) -> [String] {
        var warnings: [String] = []
        if let line = firstLongKeyLine {
            warnings.append(
                "\(path): line \(line)\(Self.inAll(longKeyCount)) has a key longer than \(Self.longestKey) bytes; "
                    + "it is ignored, as OpenSMTPD ignores it")
        }
        if let line = firstInvalidUTF8Line {
            warnings.append(
                "\(path): line \(line)\(Self.inAll(invalidUTF8Count)) is not valid UTF-8; "
                    + "Tern reads the invalid bytes as U+FFFD")
        }
        return warnings
    }

    private static func inAll(_ count: Int) -> String {
        count > 1 ? " (and \(count - 1) more)" : ""
    }

    /// Copies bytes into a `String` in one pass, lowercasing ASCII letters when asked (C's `tolower`).
    private mutating func makeString(_ range: Range<Int>, lowercased: Bool, line: Int) -> String {
        let source = UnsafeBufferPointer(rebasing: bytes[range])
        var isASCII = true
        let string = String(unsafeUninitializedCapacity: source.count) { target in
            for index in 0..<source.count {
                let byte = source[index]
                if byte >= 0x80 { isASCII = false }
                target[index] = lowercased ? CByteClass.lowercased(byte) : byte
            }
            return source.count
        }
        // The initializer repairs invalid UTF-8 with U+FFFD; only non-ASCII text can need it.
        if !isASCII && String(validating: source, as: UTF8.self) == nil {
            if firstInvalidUTF8Line == nil { firstInvalidUTF8Line = line }
            if lastInvalidUTF8Line != line { invalidUTF8Count += 1 }
            lastInvalidUTF8Line = line
        }
        return string
    }
}
