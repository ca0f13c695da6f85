/// A key as OpenSMTPD's `table_lookup` hands it to a backend: ASCII letters lowercased (C's `tolower`), at most
/// 1023 bytes (it is copied into a 1024-byte buffer), and cut at a NUL as any C string is.
///
/// Every backend sees keys this way, so static tables (lowercased when loaded) match whatever case a client
/// used, while a passwd file's upper-case user names can never match.
enum TableLookupKey {
    /// `lkey[1024]` in table.c.
    static let longest = 1023

    /// Runs `body` on the folded key's bytes, kept on the stack: lookups in large tables allocate nothing
    /// until they build the value.
    /// - Throws: `TableLookupError` when the key is longer than 1023 bytes: OpenSMTPD logs
    ///   `warn: lookup key too long` and fails the lookup (a temporary failure).
    static func withFolded<Result>(
        _ key: String,
        table: String,
        _ body: (UnsafeRawBufferPointer) throws(TableLookupError) -> Result
    ) throws(TableLookupError) -> Result {
        var key = key
        let outcome: Swift.Result<Result, TableLookupError> = key.withUTF8 { source in
            // C strings end at NUL.
            let count = source.firstIndex(of: 0) ?? source.count
            guard count <= longest else { return .failure(tooLong(count, table: table)) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(count, 1)) { buffer in
                for index in 0..<count { buffer[index] = fold(source[index]) }
                do throws(TableLookupError) {
                    return .success(try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)))
                } catch {
                    return .failure(error)
                }
            }
        }
        return try outcome.get()
    }

    /// The folded key as a `String`, for backends that need one (getpwnam, passwd).
    static func folded(_ key: String, table: String) throws(TableLookupError) -> String {
        try withFolded(key, table: table) { bytes in String(decoding: bytes, as: UTF8.self) }
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    private static func tooLong(_ count: Int, table: String) -> TableLookupError {
        TableLookupError(table: table, reason: "lookup key too long (\(count) bytes; at most \(longest))")
    }
}
