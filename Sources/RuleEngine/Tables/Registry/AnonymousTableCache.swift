import ConfParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The tables made for anonymous references (`{ a, b }`, `"value"`), one per distinct reference, made on
/// first request and kept: a rule that is evaluated for every recipient must not rebuild its table each time.
///
/// A reload of a named table does not touch these, so a reloaded `TableSet` shares the cache.
final class AnonymousTableCache: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var tables: [TableRef: StaticLookupTable] = [:]
    private let subaddressDelimiter: UInt8

    init(subaddressDelimiter: UInt8) {
        self.subaddressDelimiter = subaddressDelimiter
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The table for an inline or one-string reference.
    func table(for reference: TableRef) -> StaticLookupTable {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let table = tables[reference] { return table }
        let contents: TableContents
        switch reference {
        case .inline(let inline):
            contents = TableContents(inline: inline)
        case .string(let value):
            contents = TableContents(kind: .list, addingLowercasedKeys: [(key: value, value: nil)])
        case .named:
            contents = TableContents(kind: .list)
        }
        let table = StaticLookupTable(name: "<dynamic>", contents: contents, subaddressDelimiter: subaddressDelimiter)
        tables[reference] = table
        return table
    }
}

extension TableContents {
    /// An inline table's contents, as OpenSMTPD's `table_add` stores them (keys lowercased, later wins).
    init(inline: InlineTable) {
        switch inline {
        case .list(let values):
            self.init(kind: .list, addingLowercasedKeys: values.map { (key: $0, value: nil) })
        case .mapping(let pairs):
            self.init(kind: .hash, addingLowercasedKeys: pairs.map { (key: $0.key, value: $0.value) })
        }
    }
}
