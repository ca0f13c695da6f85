extension TableContents {
    /// The keys in the order OpenSMTPD's static backend tries them: sorted by byte value, as `strcmp` sorts.
    ///
    /// OpenSMTPD keeps a file table in a tree ordered by `strcmp`, and a lookup that matches patterns (domains
    /// with `*.`, networks, addresses, regexes) stops at the first match in that order, not in file order
    /// (smtpd-conf.md §14, item 5). Swift's `String` comparison is not byte order, so sort on UTF-8 bytes.
    public var keysInLookupOrder: [String] {
        entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
