/// One message of the delivery worker protocol: named text fields, encoded as a single datagram of a
/// SOCK_SEQPACKET socket (so the socket keeps the record boundaries and no length prefix is needed).
///
/// Layout: the version byte 1, then per field a 2-byte big-endian name length, the name, a 4-byte big-endian value
/// length and the value (UTF-8). Names are unique. A record is at most `maximumSize` bytes.
struct WireRecord: Hashable {
    static let version: UInt8 = 1
    static let maximumSize = 65536

    var fields: [String: String]

    init(_ fields: [String: String] = [:]) {
        self.fields = fields
    }

    subscript(name: String) -> String? {
        get { fields[name] }
        set { fields[name] = newValue }
    }

    enum DecodingError: Error, Equatable {
        case wrongVersion
        case truncated
        case duplicateField(String)
        case tooLarge
        /// A field that must be there is missing or does not parse.
        case badField(String)
    }

    func encoded() throws(DecodingError) -> [UInt8] {
        var bytes: [UInt8] = [Self.version]
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            let nameBytes = Array(name.utf8)
            let valueBytes = Array(value.utf8)
            guard nameBytes.count <= Int(UInt16.max) else { throw .tooLarge }
            bytes += [UInt8(nameBytes.count >> 8), UInt8(nameBytes.count & 0xff)] + nameBytes
            bytes += withUnsafeBytes(of: UInt32(valueBytes.count).bigEndian, Array.init) + valueBytes
        }
        guard bytes.count <= Self.maximumSize else { throw .tooLarge }
        return bytes
    }

    init(decoding bytes: [UInt8]) throws(DecodingError) {
        guard bytes.first == Self.version else { throw .wrongVersion }
        var reader = ByteReader(bytes: bytes, offset: 1)
        var fields: [String: String] = [:]
        while !reader.isAtEnd {
            let name = try reader.string(count: Int(try reader.integer(bytes: 2)))
            let value = try reader.string(count: Int(try reader.integer(bytes: 4)))
            guard fields.updateValue(value, forKey: name) == nil else { throw .duplicateField(name) }
        }
        self.fields = fields
    }

    /// A field that must be present.
    func required(_ name: String) throws(DecodingError) -> String {
        guard let value = fields[name] else { throw .badField(name) }
        return value
    }

    /// A required unsigned number.
    func number<T: FixedWidthInteger>(_ name: String, as type: T.Type = T.self) throws(DecodingError) -> T {
        guard let value = T(try required(name)) else { throw .badField(name) }
        return value
    }

    private struct ByteReader {
        let bytes: [UInt8]
        var offset: Int

        var isAtEnd: Bool { offset == bytes.count }

        mutating func integer(bytes count: Int) throws(DecodingError) -> UInt32 {
            guard bytes.count - offset >= count else { throw .truncated }
            let value = bytes[offset..<offset + count].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            offset += count
            return value
        }

        mutating func string(count: Int) throws(DecodingError) -> String {
            guard bytes.count - offset >= count else { throw .truncated }
            defer { offset += count }
            return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        }
    }
}
