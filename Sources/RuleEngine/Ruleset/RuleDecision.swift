/// What the match rules decide for one address.
///
/// - SeeAlso: `ruleset_match()` in OpenSMTPD's ruleset.c and its caller `lka_expand()`.
public enum RuleDecision: Sendable, Hashable {
    /// The rule at `ruleIndex` (0-based, in file order) matched and hands the address to `action`.
    case accept(ruleIndex: Int, action: String)
    /// A `reject` rule matched (`ruleIndex`), or no rule did (`ruleIndex` nil): `550 Invalid recipient`.
    case reject(RecipientReply, ruleIndex: Int?)
    /// A criterion of the rule at `ruleIndex` could not be checked (a table failed, or OpenSMTPD's `tls`):
    /// `451 Temporary failure`. Evaluation stops there; later rules are not tried.
    case tempfail(RecipientReply, ruleIndex: Int, reason: String)

    /// The rule that decided, if one did.
    public var ruleIndex: Int? {
        switch self {
        case .accept(let index, _): index
        case .reject(_, let index): index
        case .tempfail(_, let index, _): index
        }
    }
}

/// Choices where Tern departs from OpenSMTPD on purpose, with a switch back to OpenSMTPD's behaviour.
public struct RulesetOptions: Sendable, Hashable {
    /// How a `tls` / `!tls` criterion is checked.
    public enum TLSCriterion: Sendable, Hashable {
        /// Tern: `tls` matches sessions that run over TLS, `!tls` the others.
        case matchSessionTLS
        /// OpenSMTPD 6.8 and 7.x: the check is not implemented and always fails, so every recipient that reaches a
        /// rule with `tls` gets `451 Temporary failure`.
        case alwaysTemporaryFailure
    }

    public var tlsCriterion: TLSCriterion

    public init(tlsCriterion: TLSCriterion = .matchSessionTLS) {
        self.tlsCriterion = tlsCriterion
    }

    /// Exactly what OpenSMTPD does.
    public static let openSMTPD = RulesetOptions(tlsCriterion: .alwaysTemporaryFailure)
}
