public import ConfParser

/// The `match` rules of a configuration, ready to decide where an address goes.
///
/// A literal port of OpenSMTPD's ruleset.c, quirks included:
/// - rules are tried in file order and the first whose criteria all match wins, `reject` rules included;
/// - a rule's criteria are checked in the order tag → from → for → helo → auth → tls → mail-from → rcpt-to, each
///   giving match, no match, or failure; `!` swaps match and no match;
/// - a failure (a table that cannot answer) stops everything with `451 Temporary failure`, even if a later rule
///   would have matched;
/// - no match, or a `reject` rule, gives `550 Invalid recipient`.
///
/// One deliberate difference, switchable with `RulesetOptions.openSMTPD`: `tls` really matches TLS sessions.
///
/// A ruleset is an immutable value holding the tables it was built with; rebuild it to see reloaded tables.
///
/// - SeeAlso: smtpd.conf(5), "MATCH RULES"; `smtpd-conf.md` §5.
public struct Ruleset: Sendable {
    let rules: [CompiledRule]
    public let options: RulesetOptions

    /// Resolves the tables of every rule in `config`.
    ///
    /// - Throws: `MissingTableError` when `tables` lacks a table a rule refers to.
    public init(config: Config, tables: some TableProvider, options: RulesetOptions = .init())
        throws(MissingTableError)
    {
        var rules: [CompiledRule] = []
        rules.reserveCapacity(config.rules.count)
        for (index, rule) in config.rules.enumerated() {
            rules.append(try CompiledRule(rule, index: index, tables: tables))
        }
        self.rules = rules
        self.options = options
    }

    public var count: Int { rules.count }

    /// Where the rule at `index` was written.
    public func location(ofRule index: Int) -> SourceLocation { rules[index].location }

    /// Decides for one address.
    ///
    /// The reply of a refusal names the original RCPT address (`query.request.rcpt`), as OpenSMTPD's does, even
    /// when the address being routed came out of an expansion.
    public func evaluate(_ query: RuleQuery) -> RuleDecision {
        for rule in rules {
            switch RuleMatcher.matches(rule, query, options: options) {
            case .matched:
                switch rule.decision {
                case .action(let name): return .accept(ruleIndex: rule.index, action: name)
                case .reject:
                    return .reject(
                        RecipientReply(status: RecipientReply.Status.invalidRecipient, recipient: query.request.rcpt),
                        ruleIndex: rule.index)
                }
            case .notMatched:
                continue
            case .failed(let reason):
                return .tempfail(
                    RecipientReply(status: RecipientReply.Status.temporaryFailure, recipient: query.request.rcpt),
                    ruleIndex: rule.index, reason: reason)
            }
        }
        return .reject(
            RecipientReply(status: RecipientReply.Status.invalidRecipient, recipient: query.request.rcpt),
            ruleIndex: nil)
    }
}
