/// What a table file holds once loaded: its type and its entries.
///
/// OpenSMTPD gives file tables a type from their content (smtpd-conf.md §7.1), and the type decides where a
/// table may be used: a LIST for `from src`, a HASH for `alias`, and so on.
///
/// - SeeAlso: table(5); `table_static_priv_load` in OpenSMTPD's table_static.c.
public struct TableContents: Sendable, Hashable {
    /// OpenSMTPD's `T_LIST` and `T_HASH`.
    public enum Kind: Sendable, Hashable {
        /// One key per line, no values.
        case list
        /// `key value` lines.
        case hash
    }

    public var kind: Kind
    /// Keys → values; a list's entries have the value `nil`. A later duplicate key replaced the earlier one.
    ///
    /// Keys from text files are lowercased (ASCII letters only, as C's `tolower`); values are kept as written.
    /// Keys from Berkeley DB files are as makemap stored them (makemap lowercases them).
    /// Bytes that are not UTF-8 read as U+FFFD (the loader warns).
    public var entries: [String: String?]

    public init(kind: Kind, entries: [String: String?] = [:]) {
        self.kind = kind
        self.entries = entries
    }

    /// The number of entries.
    public var count: Int { entries.count }
}
