/// One RCPT TO in one transaction: what the rule engine is asked to route.
///
/// - SeeAlso: the envelope that `smtp_tx_rcpt_to` sends to the lookup process in OpenSMTPD.
public struct RecipientRequest: Sendable, Hashable {
    public var session: SessionFacts
    /// The MAIL FROM address; `.null` for `<>`.
    public var sender: MailAddress
    /// The RCPT TO address as the client wrote it (after path parsing).
    public var rcpt: MailAddress

    public init(session: SessionFacts, sender: MailAddress, rcpt: MailAddress) {
        self.session = session
        self.sender = sender
        self.rcpt = rcpt
    }
}

/// The question a ruleset answers for one address: the request, plus the address being routed now and whether
/// it came out of an expansion.
///
/// During expansion every new address goes through the rules again with the same session and sender; only
/// `destination` changes, and `isInternal` becomes true, which makes the `from` criterion look up `local`.
public struct RuleQuery: Sendable, Hashable {
    public var request: RecipientRequest
    /// The address being routed: the RCPT itself, or an address an alias, virtual entry or .forward produced.
    public var destination: MailAddress
    /// Whether `destination` came from an expansion (OpenSMTPD's `EF_INTERNAL`).
    public var isInternal: Bool

    public init(request: RecipientRequest, destination: MailAddress, isInternal: Bool) {
        self.request = request
        self.destination = destination
        self.isInternal = isInternal
    }

    /// The query for the RCPT itself.
    public init(request: RecipientRequest) {
        self.init(request: request, destination: request.rcpt, isInternal: false)
    }
}
