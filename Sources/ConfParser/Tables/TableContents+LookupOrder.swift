extension TableContents {
    /// The keys in the order OpenSMTPD's static backend tries them: sorted by byte value, as `strcmp` sorts.
    ///
    /// OpenSMTPD keeps a file table in a tree ordered by `strcmp`, and a lookup that matches patterns (domains
    /// with `*.`, networks, addresses, regexes) stops at the first match in that order, not in file order
    /// (smtpd-conf.md §14, item 5). Swift's `String` comparison is not byte order, so this sorts on bytes.
    public var keysInLookupOrder: [String] {
        indicesInLookupOrder.map { key(at: $0) }
    }

    /// Entry indices (see `indices`) in lookup order. Sorted once, on first use, then shared by every copy,
    /// so asking again costs nothing.
    public var indicesInLookupOrder: LookupOrder {
        LookupOrder(positions: storage.recordsInLookupOrder)
    }

    /// Entry indices in `strcmp` order of their keys.
    public struct LookupOrder: RandomAccessCollection, Sendable {
        let positions: [UInt32]
        public var startIndex: Int { 0 }
        public var endIndex: Int { positions.count }
        public subscript(position: Int) -> Int { Int(positions[position]) }
    }
}

extension TableContents {
    /// The first entry, in lookup order, whose key satisfies `predicate`: OpenSMTPD's static lookup with a
    /// matcher (domain, netaddr, mailaddr, regex). Keys are handed over as bytes, without making `String`s.
    /// - Parameter predicate: Gets the entry's position and key bytes.
    public func firstIndexInLookupOrder(
        where predicate: (Int, UnsafeRawBufferPointer) throws -> Bool
    ) rethrows -> Int? {
        let order = storage.recordsInLookupOrder
        let records = storage.records
        return try storage.bytes.withUnsafeBytes { bytes in
            for position in order {
                let index = Int(position)
                if try predicate(index, UnsafeRawBufferPointer(rebasing: bytes[records[index].keyRange])) {
                    return index
                }
            }
            return nil
        }
    }
}
