import CBerkeleyDB
import ConfParser

#if canImport(Glibc)
import Glibc
#endif

/// A Berkeley DB file opened through libdb's 1.85 API, as makemap(8) opens it: created (truncated) for
/// writing, or read-only for `makemap -U`. Errors carry errno.
final class BerkeleyDBFile {
    enum Kind { case hash, btree }

    enum OpenError: Error {
        /// libdb could not be loaded; the text says why.
        case noLibrary(String)
        case failed(errno: Int32)
    }

    private var handle: OpaquePointer?

    private init(handle: OpaquePointer?) { self.handle = handle }

    deinit { if let handle { tern_db_close(handle) } }

    /// `dbopen(path, O_TRUNC|O_RDWR, 0644, kind, NULL)`.
    static func create(path: String, kind: Kind) throws(OpenError) -> BerkeleyDBFile {
        try open { tern_db_create(path, kind.code, &$0, &$1) }
    }

    /// `dbopen(path, O_RDONLY, 0644, kind, NULL)`.
    static func openReadOnly(path: String, kind: Kind) throws(OpenError) -> BerkeleyDBFile {
        try open { tern_db_open_type(path, kind.code, &$0, &$1) }
    }

    private static func open(_ call: (inout OpaquePointer?, inout Int32) -> Int32) throws(OpenError)
        -> BerkeleyDBFile
    {
        var handle: OpaquePointer?
        var errorNumber: Int32 = 0
        switch call(&handle, &errorNumber) {
        case Int32(TERN_DB_OK):
            return BerkeleyDBFile(handle: handle)
        case Int32(TERN_DB_NO_LIBRARY):
            let detail = tern_db_library_error().map { String(cString: $0) } ?? "libdb-5.3.so not found"
            throw .noLibrary("db: tables need libdb5.3 (apt-get install libdb5.3): " + detail)
        default:
            throw .failed(errno: errorNumber)
        }
    }

    var fileDescriptor: Int32 { handle.map { tern_db_fd($0) } ?? -1 }

    /// Whether a record with this key exists; nil with errno set when the lookup failed.
    func contains(key: [UInt8]) -> Bool? {
        var errorNumber: Int32 = 0
        let result = key.withUnsafeBufferPointer { tern_db_get(handle, $0.baseAddress, $0.count, &errorNumber) }
        if result < 0 { errno = errorNumber; return nil }
        return result == Int32(TERN_DB_FOUND)
    }

    /// Stores a record; false with errno set on failure.
    func put(key: [UInt8], value: [UInt8]) -> Bool {
        var errorNumber: Int32 = 0
        let result = key.withUnsafeBufferPointer { key in
            value.withUnsafeBufferPointer { value in
                tern_db_put(handle, key.baseAddress, key.count, value.baseAddress, value.count, &errorNumber)
            }
        }
        if result != 0 { errno = errorNumber }
        return result == 0
    }

    /// Every record in the database's order; nil with errno set when reading failed.
    func records() -> [(key: [UInt8], value: [UInt8])]? {
        var records: [(key: [UInt8], value: [UInt8])] = []
        while true {
            switch BerkeleyDBRecord.next(handle) {
            case .end: return records
            case .failed(let errorNumber): errno = errorNumber; return nil
            case .record(let key, let value): records.append((Array(key), Array(value)))
            }
        }
    }

    /// Writes what is pending and closes; false with errno set on failure.
    func close() -> Bool {
        guard let handle else { return true }
        self.handle = nil
        var errorNumber: Int32 = 0
        if tern_db_close_checked(handle, &errorNumber) != 0 {
            errno = errorNumber
            return false
        }
        return true
    }
}

extension BerkeleyDBFile.Kind {
    fileprivate var code: Int32 { self == .btree ? Int32(TERN_DB_TYPE_BTREE) : Int32(TERN_DB_TYPE_HASH) }
}
