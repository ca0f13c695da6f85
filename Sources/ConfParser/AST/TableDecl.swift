/// The contents of an inline `{ … }` table: a list of values or a mapping of keys to values.
///
/// - SeeAlso: smtpd.conf(5), "table"; `tableval_list` in OpenSMTPD's parse.y.
public enum InlineTable: Sendable, Hashable {
    case list([String])
    case mapping([KeyValue])

    public struct KeyValue: Sendable, Hashable {
        public var key: String
        public var value: String
        /// Whether the source wrote `=>` rather than `=`; both mean the same.
        public var arrow: Bool
        public init(key: String, value: String, arrow: Bool = false) {
            self.key = key
            self.value = value
            self.arrow = arrow
        }
    }
}

/// A `table NAME …` statement.
public struct TableDecl: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// `table NAME "/path"`, `table NAME backend:/config` or `table NAME backend`.
        /// `backend` is written as the user wrote it (`file` and `static` are the same backend).
        case backend(name: String, config: String?)
        /// `table NAME { … }`.
        case inline(InlineTable)
    }

    public var name: String
    public var source: Source
    public var location: SourceLocation

    public init(name: String, source: Source, location: SourceLocation = .unknown) {
        self.name = name
        self.source = source
        self.location = location
    }
}

/// A table argument in an option: `<name>`, an inline `{ … }`, or one string (an anonymous one-element list).
public enum TableRef: Sendable, Hashable {
    case named(String)
    case inline(InlineTable)
    case string(String)
}
