/// A `match [criteria] action NAME | reject` statement.
///
/// The criteria are stored as OpenSMTPD stores them (`struct rule`), so `from auth <t>` and
/// `from any auth <t>` give the same value: a `from` criterion on `<anyhost>` plus an `auth` criterion.
public struct MatchRule: Sendable, Hashable {
    public enum Decision: Sendable, Hashable {
        case action(String)
        case reject
    }

    /// A criterion that checks a table, optionally as regular expressions.
    public struct TableCriterion: Sendable, Hashable {
        public var negated: Bool
        public var regex: Bool
        public var table: TableRef
        public init(negated: Bool = false, regex: Bool = false, table: TableRef) {
            self.negated = negated
            self.regex = regex
            self.table = table
        }
    }

    public enum Source: Sendable, Hashable {
        case socket
        case local
        case any
        case src(TableRef, regex: Bool)
        /// `from rdns` (any reverse name) or `from rdns [regex] T`.
        case rdns(TableRef?, regex: Bool)
    }

    public struct FromCriterion: Sendable, Hashable {
        public var negated: Bool
        public var source: Source
        public init(negated: Bool = false, source: Source) {
            self.negated = negated
            self.source = source
        }
    }

    public enum Destination: Sendable, Hashable {
        case local
        case any
        case domain(TableRef, regex: Bool)
    }

    public struct ForCriterion: Sendable, Hashable {
        public var negated: Bool
        public var destination: Destination
        public init(negated: Bool = false, destination: Destination) {
            self.negated = negated
            self.destination = destination
        }
    }

    /// `auth`, `auth T`, `auth regex T`, each with an optional `!`.
    public struct AuthCriterion: Sendable, Hashable {
        public var negated: Bool
        public var regex: Bool
        public var table: TableRef?
        public init(negated: Bool = false, regex: Bool = false, table: TableRef? = nil) {
            self.negated = negated
            self.regex = regex
            self.table = table
        }
    }

    public var tag: TableCriterion?
    /// Never nil after parsing: a rule without `from` means `from local`.
    public var from: FromCriterion?
    /// Never nil after parsing: a rule without `for` means `for local`.
    public var destination: ForCriterion?
    public var helo: TableCriterion?
    public var auth: AuthCriterion?
    /// `tls` / `!tls`: the negation flag, or nil when absent.
    public var tls: Bool?
    public var mailFrom: TableCriterion?
    public var rcptTo: TableCriterion?
    public var decision: Decision
    public var location: SourceLocation

    public init(decision: Decision, location: SourceLocation = .unknown) {
        self.decision = decision
        self.location = location
    }
}
