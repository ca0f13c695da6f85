#if canImport(CBerkeleyDB)
import CBerkeleyDB
#endif

/// Loads `db:` tables: Berkeley DB hash files written by makemap(8).
///
/// OpenSMTPD 6.8 opens them with `dbopen(path, O_RDONLY, 0600, DB_HASH, NULL)` (table_db.c). smtpd itself
/// logs nothing when that fails, but libdb prints to stderr; `BerkeleyDBHeaderCheck` reproduces the usual
/// lines in `TableLoadError.logLines`. A missing file gives no lines at all.
///
/// makemap stores each key and value with a trailing NUL (`size = strlen + 1`), and OpenSMTPD uses both as C
/// strings; so each is read up to its first NUL, which drops that terminator (as `makemap -U` does).
/// Keys are kept as stored: makemap lowercased them, and OpenSMTPD looks them up as they are.
///
/// The contents are always a `.hash` (a `makemap -t set` file maps each key to `<set>`). OpenSMTPD itself
/// gives `db` tables the type DYNAMIC, which passes every type check; callers must not check a db table's kind.
public enum BerkeleyDBTableFile {
    /// What OpenSMTPD 6.8 needs to read these files, for the error message.
    static let libraryHint = "db: tables need libdb5.3 (apt-get install libdb5.3)"

    /// Opens the file read-only and reads every record.
    /// - Parameter path: The file, as written in smtpd.conf (`db:/etc/mail/aliases.db` gives `/etc/mail/aliases.db`).
    /// - Returns: All key/value pairs, as a `.hash`.
    /// - Throws: `TableLoadError` when libdb is missing or the file is not a readable hash database.
    public static func load(path: String) throws(TableLoadError) -> TableLoadResult {
        switch BerkeleyDBHeaderCheck.check(path: path) {
        case .plausible:
            break
        case .missing(let errorText):
            throw TableLoadError(logLines: [], path: path, reason: "cannot open the database: \(errorText)")
        case .rejected(let logLines, let reason):
            throw TableLoadError(logLines: logLines, path: path, reason: reason)
        }
        #if canImport(CBerkeleyDB)
        var handle: OpaquePointer?
        var errorNumber: Int32 = 0
        switch tern_db_open(path, &handle, &errorNumber) {
        case Int32(TERN_DB_OK):
            break
        case Int32(TERN_DB_NO_LIBRARY):
            let detail = tern_db_library_error().map { " (\(String(cString: $0)))" } ?? ""
            throw TableLoadError(logLines: [], path: path, reason: libraryHint + detail)
        default:
            throw TableLoadError(logLines: [], path: path, reason: "cannot open the database" + describe(errorNumber))
        }
        defer { tern_db_close(handle) }

        var builder = BerkeleyDBEntries()
        reading: while true {
            switch BerkeleyDBRecord.next(handle) {
            case .end:
                break reading
            case .failed(let errorNumber):
                let reason = "cannot read the database" + describe(errorNumber)
                throw TableLoadError(logLines: [], path: path, reason: reason)
            case .record(let key, let value):
                builder.add(key: key, value: value)
            }
            guard builder.hasRoom else {
                throw TableLoadError(logLines: [], path: path, reason: "Tern cannot load tables of 4 GiB or more")
            }
        }
        let warnings = builder.warnings(path: path)
        return TableLoadResult(
            contents: builder.makeContents(),
            warnings: warnings,
            rules: .berkeleyDB
        )
        #else
        throw TableLoadError(logLines: [], path: path, reason: "this build of Tern has no Berkeley DB support")
        #endif
    }

    private static func describe(_ errorNumber: Int32) -> String {
        errorNumber == 0 ? " (not a Berkeley DB hash file?)" : ": " + WholeFile.errorText(errorNumber)
    }
}

/// Turns database records into entries, copying their bytes into one buffer.
struct BerkeleyDBEntries {
    private var builder = TableBytesBuilder()
    private var invalidUTF8Count = 0

    var hasRoom: Bool { builder.hasRoom }

    mutating func add(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        builder.append(key: cString(key), value: cString(value))
    }

    /// Keys stay as stored: OpenSMTPD looks them up without folding.
    consuming func makeContents() -> TableContents {
        TableContents(kind: .hash, storage: builder.makeStorage(lowercasingKeys: false))
    }

    func warnings(path: String) -> [String] {
        guard invalidUTF8Count > 0 else { return [] }
        return [
            "\(path): \(invalidUTF8Count) keys or values are not valid UTF-8; Tern reads the invalid bytes as U+FFFD"
        ]
    }

    /// The bytes up to the first NUL, as OpenSMTPD's C code sees them.
    private mutating func cString(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let text = UnsafeBufferPointer(rebasing: bytes[..<(bytes.firstIndex(of: 0) ?? bytes.endIndex)])
        if text.contains(where: { $0 >= 0x80 }) && String(validating: text, as: UTF8.self) == nil {
            invalidUTF8Count += 1
        }
        return text
    }
}
