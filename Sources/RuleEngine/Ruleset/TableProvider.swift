public import ConfParser

/// Hands the rule engine the table behind a name or a reference from the configuration.
///
/// The rule engine resolves every table once, when a `Ruleset` or `RecipientExpander` is built, and keeps the
/// tables it got: a table reload (`smtpctl update table`) builds a new ruleset around the new table, in the way
/// the whole configuration is swapped on reload.
///
/// `TableSet`, the tables of a loaded configuration, conforms to this; tests use in-memory fakes.
public protocol TableProvider: Sendable {
    /// The table a configuration option refers to: `<name>`, an inline `{ … }` list or mapping, or a single
    /// string (an anonymous one-element list). For a name it does not know, a provider returns a table whose
    /// every lookup fails (the parser makes sure that cannot happen), so the rule fails temporarily.
    func table(for reference: TableRef) -> any LookupTable

    /// A table by its OpenSMTPD name: a declared table (`aliases`), or a built-in one, whose names keep their
    /// angle brackets (`BuiltinTableName`). Nil when there is no such table.
    func table(named name: String) -> (any LookupTable)?
}

/// The names of the tables OpenSMTPD creates before reading the configuration. The angle brackets are part of
/// the name, so no declared table can clash with them.
public enum BuiltinTableName {
    /// `from local`: `local` and every local interface address.
    public static let localhost = "<localhost>"
    /// `from any`: `local`, `0.0.0.0/0`, `::/0`.
    public static let anyhost = "<anyhost>"
    /// `for local`: `localhost`, the server name and every local interface address.
    public static let localnames = "<localnames>"
    /// `for any`: `*`.
    public static let anydestination = "<anydestination>"
    /// The default `userbase`: system users through getpwnam(3).
    public static let getpwnam = "<getpwnam>"
}

/// A built-in table (`<anyhost>`, `<getpwnam>`, …) that the provider does not have: the provider and the
/// configuration do not belong together.
public struct MissingTableError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reference: String
    public var usedBy: String

    public init(reference: String, usedBy: String) {
        self.reference = reference
        self.usedBy = usedBy
    }

    public var description: String { "no table \(reference) (used by \(usedBy))" }
}

extension TableProvider {
    func resolve(_ reference: TableRef, usedBy: String) throws(MissingTableError) -> any LookupTable {
        table(for: reference)
    }

    func resolve(named name: String, usedBy: String) throws(MissingTableError) -> any LookupTable {
        guard let table = table(named: name) else { throw MissingTableError(reference: name, usedBy: usedBy) }
        return table
    }
}

extension TableRef {
    /// How the reference reads in messages: `<name>`, `{ … }` or `"value"`.
    public var displayName: String {
        switch self {
        case .named(let name): "<\(name)>"
        case .inline: "{ … }"
        case .string(let value): "\"\(value)\""
        }
    }
}

/// The tables of a loaded configuration are what rules and actions look up.
extension TableSet: TableProvider {}
