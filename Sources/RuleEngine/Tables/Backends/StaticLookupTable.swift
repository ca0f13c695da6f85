public import ConfParser

/// A table whose entries Tern holds in memory: file tables (`table t file:/path`), inline tables
/// (`{ a, b }`, `{ k = v }`), one-string tables, the built-in lists, and `db:` tables (Berkeley DB files,
/// read whole when loaded).
///
/// Lookups behave as OpenSMTPD's static backend (table_static.c):
/// - the key is lowercased first (`TableLookupKey`);
/// - `domain`, `netaddr`, `mailaddr` and `regex` try the entries in sorted key order with their matcher, and
///   the first match decides (smtpd-conf.md §14, item 5);
/// - every other service is an exact comparison with the key.
///
/// A static table never fails: lookups return a value or nothing. It is a class so that the rule engine's many
/// references to it, and each lookup's closures, share one instance instead of copying its fields.
public final class StaticLookupTable: LookupTable {
    /// Which OpenSMTPD backend the table stands for; they differ in one detail.
    public enum Backend: String, Sendable, Hashable {
        /// `static`/`file`, inline tables and the built-ins.
        case `static`
        /// `db`. A lookup with a matcher returns the matching *key* instead of its value, as OpenSMTPD's
        /// `table_db_get_entry_match` does (6.8 and 7.8 alike).
        case db
    }

    public let name: String
    public let contents: TableContents
    public let backend: Backend
    /// The sub-address delimiter that the `mailaddr` matcher strips tags at (`smtp sub-addr-delim`).
    public let subaddressDelimiter: UInt8
    private let patterns: CompiledEntryPatterns

    /// - Parameters:
    ///   - name: The table's name, for messages (`aliases`, `<localhost>`, `<dynamic>`).
    ///   - contents: The entries; keys must already be lowercased as OpenSMTPD stores them.
    ///   - backend: `.db` for Berkeley DB files.
    ///   - subaddressDelimiter: `+` unless the configuration sets `smtp sub-addr-delim`.
    public init(
        name: String,
        contents: TableContents,
        backend: Backend = .static,
        subaddressDelimiter: UInt8 = UInt8(ascii: "+")
    ) {
        self.name = name
        self.contents = contents
        self.backend = backend
        self.subaddressDelimiter = subaddressDelimiter
        self.patterns = CompiledEntryPatterns(contents: contents)
    }

    public func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String? {
        guard let index = try entry(service, key: key) else { return nil }
        if backend == .db && Self.usesMatcher(service) { return contents.key(at: index) }
        // A list entry has no value; OpenSMTPD would hand out garbage, Tern hands out the key.
        return contents.value(at: index) ?? contents.key(at: index)
    }

    public func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool {
        try entry(service, key: key) != nil
    }

    /// Every key, in lookup order: what OpenSMTPD's `table_fetch` hands out in turn (`relay host`, `src`).
    public func fetchAll(_ service: TableService) throws(TableLookupError) -> [String] {
        contents.keysInLookupOrder
    }

    /// The entry that decides a lookup, by position in `contents`.
    private func entry(_ service: TableService, key: String) throws(TableLookupError) -> Int? {
        try TableLookupKey.withFolded(key, table: name) { folded in
            switch service {
            case .domain:
                return contents.firstIndexInLookupOrder { _, entry in DomainMatcher.matches(folded, pattern: entry) }
            case .mailaddr:
                let delimiter = subaddressDelimiter
                return contents.firstIndexInLookupOrder { _, entry in
                    MailAddressMatcher.matches(folded, pattern: entry, delimiter: delimiter)
                }
            case .netaddr:
                return netaddrEntry(folded)
            case .regex:
                let regexes = patterns.regexByEntry
                let text = String(decoding: folded, as: UTF8.self)
                return contents.firstIndexInLookupOrder { index, _ in regexes[index]?.matches(text) == true }
            default:
                return contents.index(forKeyBytes: folded)
            }
        }
    }

    /// `table_netaddr_match` on each entry: equal text first, then the parsed address under the entry's mask.
    private func netaddrEntry(_ folded: UnsafeRawBufferPointer) -> Int? {
        let candidate = NetAddress.parse(folded)
        let networks = patterns.networkByEntry
        return contents.firstIndexInLookupOrder { index, entry in
            if Self.equalIgnoringCase(entry, folded) { return true }
            guard let candidate, let network = networks[index] else { return false }
            return network.contains(candidate)
        }
    }

    /// `strcasecmp(…) == 0`.
    private static func equalIgnoringCase(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { TableLookupKey.fold($0) == TableLookupKey.fold($1) }
    }

    static func usesMatcher(_ service: TableService) -> Bool {
        switch service {
        case .domain, .netaddr, .mailaddr, .regex: true
        default: false
        }
    }
}
