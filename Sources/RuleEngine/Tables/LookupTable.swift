public import ConfParser

/// What a table is asked for: OpenSMTPD's `K_*` lookup services. The service decides how a key is compared
/// (`match`) and how a value is read (`lookup`).
public enum TableService: String, Sendable, Hashable, CaseIterable {
    /// aliases(5) and virtual: key → comma list of expansion targets.
    case alias
    /// `for domain`, `helo`, `rdns`: domain names with `*` wildcards.
    case domain
    /// listener `auth` (user → crypt hash) and relay `auth` (label → user:password).
    case credentials
    /// `from src`: addresses and CIDR blocks.
    case netaddr
    /// `userbase`: user → uid:gid:home.
    case userinfo
    /// relay `src`: source addresses.
    case source
    /// `mail-from`, `rcpt-to`: addresses, `@domain`, `user`.
    case mailaddr
    /// `hostnames`, `helo-src`: address → name.
    case addrname
    /// `senders`: user → allowed sender addresses.
    case mailaddrmap
    /// relay `host`/`domain`: relay URLs.
    case relayhost
    /// `tag`, `auth` names: plain strings.
    case string
    /// any `regex` criterion: POSIX extended regular expressions.
    case regex
}

/// A lookup that could not be answered now (a backend that failed, a table being reloaded badly). OpenSMTPD
/// turns these into temporary failures (451), never into a reject.
public struct TableLookupError: Error, Sendable, Hashable, CustomStringConvertible {
    public var table: String
    public var reason: String
    public init(table: String, reason: String) {
        self.table = table
        self.reason = reason
    }
    public var description: String { "table \(table): \(reason)" }
}

/// A table as the rule engine uses it. Implementations are immutable values: reloading makes a new one.
public protocol LookupTable: Sendable {
    var name: String { get }
    /// OpenSMTPD's `table_lookup`: the value for `key` under `service`, or nil when there is none.
    func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String?
    /// OpenSMTPD's `table_match`: whether `key` matches an entry, with the service's matcher.
    func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool
    /// OpenSMTPD's `table_fetch`: every entry, for services that hand values out in turn (`source`).
    func fetchAll(_ service: TableService) throws(TableLookupError) -> [String]
}
