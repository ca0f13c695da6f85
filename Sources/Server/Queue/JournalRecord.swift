import Crypto

/// One entry of the queue's commit journal (CommitJournal.swift).
///
/// - `committed`: everything a committed message's files hold at commit, so that start-up can write them
///   again when a machine stop kept the journal but not the files;
/// - `removed`: an envelope whose delivery ended, so that start-up neither brings it back from its
///   `committed` record nor leaves its file behind.
enum JournalRecord: Sendable, Equatable {
    case committed(CommittedRecord)
    case removed(EnvelopeID)

    struct CommittedRecord: Sendable, Equatable {
        var message: MessageID
        var body: [UInt8]
        /// Each envelope's id and its file's bytes (EnvelopeFileFormat).
        var envelopes: [EnvelopeFile]
    }

    struct EnvelopeFile: Sendable, Equatable {
        var id: EnvelopeID
        var bytes: [UInt8]
    }
}

/// A record on the disk: a frame that names the journal generation it was written in and checks its bytes, so
/// that reading stops at the first frame that a stop cut short, or that an earlier generation left behind.
///
/// ```
/// "TJR1" | generation: UInt64 | kind: UInt8 | payload length: UInt32 | check: 8 bytes | payload
/// ```
/// The check is the first 8 bytes of the SHA-256 of generation, kind, length and payload. Integers are
/// little-endian. Payloads:
/// - committed (kind 1): message id UInt32, body length UInt32, body, envelope count UInt32, then per
///   envelope: id UInt64, file length UInt32, file;
/// - removed (kind 2): envelope id UInt64.
enum JournalFrame {
    static let magic: [UInt8] = Array("TJR1".utf8)
    static let headerSize = 4 + 8 + 1 + 4 + 8
    /// Larger payloads are never written (the commit takes the fsync path), so a larger length read back is damage.
    static let maximumPayload = 16 * 1024 * 1024

    /// The bytes `encode` makes of `record`, without making them.
    static func size(of record: JournalRecord) -> Int {
        switch record {
        case .committed(let committed):
            headerSize + 12 + committed.body.count + committed.envelopes.reduce(0) { $0 + 12 + $1.bytes.count }
        case .removed:
            headerSize + 8
        }
    }

    static func encode(_ record: JournalRecord, generation: UInt64) -> [UInt8] {
        var payload: [UInt8] = []
        let kind: UInt8
        switch record {
        case .committed(let committed):
            kind = 1
            payload.reserveCapacity(committed.body.count + committed.envelopes.count * 512 + 16)
            appendInteger(committed.message.rawValue, to: &payload)
            appendInteger(UInt32(committed.body.count), to: &payload)
            payload += committed.body
            appendInteger(UInt32(committed.envelopes.count), to: &payload)
            for envelope in committed.envelopes {
                appendInteger(envelope.id.rawValue, to: &payload)
                appendInteger(UInt32(envelope.bytes.count), to: &payload)
                payload += envelope.bytes
            }
        case .removed(let id):
            kind = 2
            appendInteger(id.rawValue, to: &payload)
        }
        var frame = magic
        frame.reserveCapacity(headerSize + payload.count)
        appendInteger(generation, to: &frame)
        frame.append(kind)
        appendInteger(UInt32(payload.count), to: &frame)
        frame += check(generation: generation, kind: kind, payload: payload[...])
        frame += payload
        return frame
    }

    /// The record at `offset`, and the offset after it; nil at the end of the generation's records: zeros, a
    /// frame of another generation, a frame cut short, or one whose check fails.
    static func decode(_ bytes: ArraySlice<UInt8>, at offset: Int, generation: UInt64) -> (JournalRecord, next: Int)? {
        var reader = ByteReader(bytes: bytes, offset: offset)
        guard let found = reader.take(4), Array(found) == magic,
            let frameGeneration: UInt64 = reader.integer(), frameGeneration == generation,
            let kind = reader.take(1)?.first,
            let length: UInt32 = reader.integer(), Int(length) <= maximumPayload,
            let stored = reader.take(8),
            let payload = reader.take(Int(length)),
            Array(stored) == check(generation: generation, kind: kind, payload: payload)
        else { return nil }
        var fields = ByteReader(bytes: payload, offset: payload.startIndex)
        let record: JournalRecord?
        switch kind {
        case 1: record = decodeCommitted(&fields)
        case 2: record = fields.integer().flatMap { EnvelopeID(rawValue: $0) }.map { .removed($0) }
        default: record = nil
        }
        guard let record, fields.atEnd else { return nil }
        return (record, reader.offset)
    }

    private static func decodeCommitted(_ fields: inout ByteReader) -> JournalRecord? {
        guard let rawMessage: UInt32 = fields.integer(), let message = MessageID(rawValue: rawMessage),
            let bodyLength: UInt32 = fields.integer(), let body = fields.take(Int(bodyLength)),
            let count: UInt32 = fields.integer()
        else { return nil }
        var envelopes: [JournalRecord.EnvelopeFile] = []
        for _ in 0..<count {
            guard let rawID: UInt64 = fields.integer(), let id = EnvelopeID(rawValue: rawID),
                id.messageID == message,
                let length: UInt32 = fields.integer(), let file = fields.take(Int(length))
            else { return nil }
            envelopes.append(.init(id: id, bytes: Array(file)))
        }
        return .committed(.init(message: message, body: Array(body), envelopes: envelopes))
    }

    private static func check(generation: UInt64, kind: UInt8, payload: ArraySlice<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        var head: [UInt8] = []
        appendInteger(generation, to: &head)
        head.append(kind)
        appendInteger(UInt32(payload.count), to: &head)
        hasher.update(data: head)
        hasher.update(data: payload)
        return Array(hasher.finalize().prefix(8))
    }

    static func appendInteger<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}

/// Reads little-endian integers and byte runs from a slice, failing softly at its end.
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    var offset: Int

    var atEnd: Bool { offset == bytes.endIndex }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, offset >= bytes.startIndex, bytes.endIndex - offset >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func integer<T: FixedWidthInteger>() -> T? {
        guard let raw = take(MemoryLayout<T>.size) else { return nil }
        var value: T = 0
        for (shift, byte) in raw.enumerated() { value |= T(byte) << (8 * shift) }
        return value
    }
}
