/// What `smtpctl route` found: the reply the server would give, the rule and action that decided, and every
/// copy that would be delivered.
public struct RouteExplanation: Sendable, Hashable {
    /// How the server answers the RCPT TO.
    public enum Decision: String, Sendable, Hashable {
        case accept, reject, tempfail
    }

    /// One final recipient's copy, flattened for printing.
    public struct Delivery: Sendable, Hashable {
        public var rcpt: String
        public var dest: String
        /// `maildir`, `mbox`, `lmtp`, `mda`, `file`, `pipe` or `relay`.
        public var method: String
        /// The maildir, mbox file, or file an alias appends to.
        public var path: String?
        /// The command of an `mda` action or a `|command` alias.
        public var command: String?
        /// The LMTP destination, or the relay host URL (`host`/`domain` tables).
        public var host: String?
        /// For a relay without `host` or `domain`: the domain whose MX hosts receive the mail.
        public var mx: String?
        /// The local user the copy is for (`%{user.username}`).
        public var user: String?
        /// The system user the delivery runs as, when it differs from `user` (the action's `user` option).
        public var runsAs: String?
        /// The sub-address handed to the delivery as EXTENSION.
        public var subaddress: String?
        /// Something that would make the delivery fail or surprise (no userbase entry, delivery as root).
        public var note: String?
    }

    public var decision: Decision
    /// The rule that decided for the RCPT address (1-based index and its line), if one did.
    public var ruleNumber: Int?
    public var line: Int?
    /// The rule as the configuration printer writes it.
    public var ruleText: String?
    /// The action of that rule.
    public var action: String?
    /// The reply line for a refused recipient.
    public var reply: String?
    /// Why the recipient is refused, in words.
    public var reason: String?
    public var deliveries: [Delivery]
    /// The session the question was asked for, in words.
    public var session: String
    /// The expansion, step by step.
    public var steps: [ExpansionStep]
}
