#if canImport(CBerkeleyDB)
import CBerkeleyDB

/// One step of reading an open Berkeley DB in order (`tern_db_next`), for the `db:` table reader and makemap.
public enum BerkeleyDBRecord {
    /// The buffers stay valid only until the next call on the same database: copy them at once.
    case record(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>)
    case end
    /// Reading failed; the errno the library reported (0 if none).
    case failed(errorNumber: Int32)

    public static func next(_ handle: OpaquePointer?) -> BerkeleyDBRecord {
        var key: UnsafePointer<UInt8>?
        var keyLength = 0
        var value: UnsafePointer<UInt8>?
        var valueLength = 0
        var errorNumber: Int32 = 0
        let status = tern_db_next(handle, &key, &keyLength, &value, &valueLength, &errorNumber)
        if status == Int32(TERN_DB_END) { return .end }
        guard status == Int32(TERN_DB_RECORD) else { return .failed(errorNumber: errorNumber) }
        return .record(key: UnsafeBufferPointer(start: key, count: keyLength),
            value: UnsafeBufferPointer(start: value, count: valueLength))
    }
}
#endif
