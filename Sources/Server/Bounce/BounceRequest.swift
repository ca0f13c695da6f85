/// Which delivery status notification a message gets; also its `Action:` field and the word in its subject,
/// as OpenSMTPD's `action_str` (bounce.c).
public enum BounceKind: Sendable, Hashable {
    /// Delivery failed for good, or the envelope expired.
    case failed
    /// Still trying after `delay` seconds (one `bounce warn-interval`); the message expires `expiresIn`
    /// seconds after it arrived.
    case delayed(delay: Int64, expiresIn: Int64)
    /// Delivered locally (NOTIFY=SUCCESS).
    case delivered
    /// Handed to another server, which may not send its own notice (NOTIFY=SUCCESS on relayed mail).
    case relayed

    public var action: String {
        switch self {
        case .failed: "failed"
        case .delayed: "delayed"
        case .delivered: "delivered"
        case .relayed: "relayed"
        }
    }
}

/// One recipient's line in a notification.
public struct BounceRecipient: Sendable, Hashable {
    public var envelopeID: EnvelopeID
    /// The address delivery was attempted to (`Final-Recipient`).
    public var finalRecipient: String
    /// The RCPT TO ORCPT= parameter as given, `rfc822;bob@example.net`; empty when absent.
    public var originalRecipient: String
    /// RFC 3463 status, `5.1.1`.
    public var status: String
    /// The error (a server's reply or a local reason); empty for success.
    public var diagnostic: String

    public init(envelopeID: EnvelopeID, finalRecipient: String, originalRecipient: String, status: String, diagnostic: String) {
        self.envelopeID = envelopeID
        self.finalRecipient = finalRecipient
        self.originalRecipient = originalRecipient
        self.status = status
        self.diagnostic = diagnostic
    }
}

/// One notification to send: one message, one kind, every recipient of that round it covers.
public struct BounceRequest: Sendable, Hashable {
    public var messageID: MessageID
    public var kind: BounceKind
    /// The original envelope sender, who receives the notification.
    public var sender: String
    /// When the original message arrived (Unix seconds).
    public var arrival: Int64
    /// MAIL FROM's RET (`FULL`, `HDRS`, or empty).
    public var ret: String
    /// MAIL FROM's ENVID, empty when absent.
    public var envelopeIdentifier: String
    public var recipients: [BounceRecipient]

    public init(
        messageID: MessageID, kind: BounceKind, sender: String, arrival: Int64, ret: String,
        envelopeIdentifier: String, recipients: [BounceRecipient]
    ) {
        self.messageID = messageID
        self.kind = kind
        self.sender = sender
        self.arrival = arrival
        self.ret = ret
        self.envelopeIdentifier = envelopeIdentifier
        self.recipients = recipients
    }

    /// The envelopes whose fate waits for this notification to be queued.
    public var envelopeIDs: [EnvelopeID] { recipients.map(\.envelopeID) }
}
