/// What a table file holds once loaded: its type and its entries.
///
/// OpenSMTPD gives file tables a type from their content (smtpd-conf.md §7.1), and the type decides where a
/// table may be used: a LIST for `from src`, a HASH for `alias`, and so on.
///
/// The entries live in a compact `TableStorage` (one byte buffer, one small record per entry, a hash
/// index), because tables can be large: a virtual user map of a million lines must load and free as quickly
/// as OpenSMTPD's. Copies of a `TableContents` share that storage.
///
/// Keys from text files are lowercased (ASCII letters only, as C's `tolower`); values are kept as written.
/// Keys from Berkeley DB files are as makemap stored them (makemap lowercases them). Keys and values are
/// kept as raw bytes; the `String` accessors read bytes that are not UTF-8 as U+FFFD (the loaders warn).
///
/// - SeeAlso: table(5); `table_static_priv_load` in OpenSMTPD's table_static.c.
public struct TableContents: Sendable {
    /// OpenSMTPD's `T_LIST` and `T_HASH`.
    public enum Kind: Sendable, Hashable {
        /// One key per line, no values.
        case list
        /// `key value` lines.
        case hash
    }

    public var kind: Kind
    let storage: TableStorage

    /// Wraps storage that a loader built.
    init(kind: Kind, storage: TableStorage) {
        self.kind = kind
        self.storage = storage
    }

    /// The number of entries (a repeated key counts once).
    public var count: Int { storage.records.count }

    /// Every entry's index, in reading order: handles for `key(at:)`, `value(at:)` and `hasValue(at:)`.
    public var indices: Range<Int> { 0..<storage.records.count }

    /// Every index is smaller than this: the size for an array addressed by entry index.
    public var indexLimit: Int { storage.records.count }

    /// The index of the entry whose key is exactly `key` (no case folding: lowercase it first, as
    /// OpenSMTPD's `table_lookup` does), or nil.
    public func index(forKey key: String) -> Int? {
        var key = key
        return key.withUTF8 { storage.recordIndex(forKey: UnsafeRawBufferPointer($0)) }
    }

    /// `index(forKey:)` for a key already in bytes, which saves callers that lowercase keys a `String`.
    public func index(forKeyBytes key: UnsafeRawBufferPointer) -> Int? {
        storage.recordIndex(forKey: key)
    }

    /// Whether `key` is an entry's key, exactly.
    public func contains(key: String) -> Bool { index(forKey: key) != nil }

    /// The value of the entry whose key is exactly `key`; nil when there is no such entry or it is a list
    /// entry (use `contains(key:)` for lists).
    public func value(forKey key: String) -> String? {
        index(forKey: key).flatMap { value(at: $0) }
    }

    /// The key of the entry at `index`.
    public func key(at index: Int) -> String {
        string(storage.records[index].keyRange)
    }

    /// The value of the entry at `index`, or nil for a list entry.
    public func value(at index: Int) -> String? {
        storage.records[index].valueRange.map(string)
    }

    /// Whether the entry at `index` has a value (a mapping entry) or not (a list entry).
    public func hasValue(at index: Int) -> Bool { storage.records[index].hasValue }

    /// Runs `body` on the key bytes of the entry at `index`, without making a `String`.
    public func withKeyBytes<Result>(
        at index: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        let range = storage.records[index].keyRange
        return try storage.bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    private func string(_ range: Range<Int>) -> String {
        storage.bytes.withUnsafeBufferPointer { String(decoding: $0[range], as: UTF8.self) }
    }
}
