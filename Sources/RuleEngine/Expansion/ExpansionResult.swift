/// What became of one RCPT TO.
public struct ExpansionResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Accept the recipient; queue one envelope per final recipient.
        case accepted([Envelope])
        /// Refuse the recipient with this reply.
        case refused(RecipientRefusal)
    }

    public var outcome: Outcome
    /// What the rules decided for the RCPT address itself (nil only if expansion never reached the rules).
    public var decision: RuleDecision?
    /// A readable account of every step, for logs and `smtpctl route`.
    public var steps: [ExpansionStep]

    public init(outcome: Outcome, decision: RuleDecision?, steps: [ExpansionStep]) {
        self.outcome = outcome
        self.decision = decision
        self.steps = steps
    }

    public var envelopes: [Envelope] {
        if case .accepted(let envelopes) = outcome { return envelopes }
        return []
    }

    public var refusal: RecipientRefusal? {
        if case .refused(let refusal) = outcome { return refusal }
        return nil
    }
}

/// A refused recipient: the SMTP reply and, for the log, why.
public struct RecipientRefusal: Sendable, Hashable {
    public var reply: RecipientReply
    /// What failed, in words (`no virtual entry for unknown@athome.tld`).
    public var reason: String

    public init(reply: RecipientReply, reason: String) {
        self.reply = reply
        self.reason = reason
    }
}

/// One line of an expansion trace, indented by `depth`.
public struct ExpansionStep: Sendable, Hashable, CustomStringConvertible {
    public var depth: Int
    public var text: String

    public init(depth: Int, text: String) {
        self.depth = depth
        self.text = text
    }

    public var description: String { String(repeating: "  ", count: depth) + text }
}
