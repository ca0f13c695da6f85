/// A table every lookup of which fails, as a temporary failure: a backend Tern does not implement (`sqlite`,
/// `ldap`, `proc`, …, whose OpenSMTPD helper would run as a separate process), a table whose file could not
/// be loaded, or a reference to a table that does not exist.
///
/// OpenSMTPD gives the same answer when a proc table's helper has died: the lookup errs, and the session
/// gets `451 Temporary failure` rather than a reject.
public struct FailingTable: LookupTable {
    public let name: String
    /// Why every lookup fails, e.g. `backend sqlite is not supported by Tern yet`.
    public let reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    /// The table for a backend Tern does not implement.
    public static func unsupported(name: String, backend: String) -> FailingTable {
        FailingTable(name: name, reason: "backend \(backend) is not supported by Tern yet")
    }

    public func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String? {
        throw TableLookupError(table: name, reason: reason)
    }

    public func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool {
        throw TableLookupError(table: name, reason: reason)
    }

    public func fetchAll(_ service: TableService) throws(TableLookupError) -> [String] {
        throw TableLookupError(table: name, reason: reason)
    }
}
