public import ConfParser

/// Why `smtpctl update table NAME` could not reload a table. The table keeps its old contents.
public struct TableReloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The table's name.
    public var table: String
    /// What went wrong, e.g. `/etc/mail/aliases:12: line 12 has a key but no value`.
    public var reason: String
    /// The load failure behind it, when the file was read (its `path` and `line` locate the fault).
    public var loadError: TableLoadError?

    public init(table: String, reason: String, loadError: TableLoadError? = nil) {
        self.table = table
        self.reason = reason
        self.loadError = loadError
    }

    /// A file that failed to load, located as `path:line: reason`.
    init(table: String, loadError: TableLoadError) {
        self.init(table: table, reason: loadError.description, loadError: loadError)
    }

    public var description: String { "table \(table): \(reason)" }
}
