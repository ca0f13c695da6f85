/// One recipient's copy of a queued message, as the queue stores it: what delivery needs plus the scheduler's
/// state (tries, next try, last error), so a restart resumes where it stopped (issue 5 item 7).
///
/// Addresses and the delivery target are kept as text, not as RuleEngine values: the file must stay readable
/// when those types change, and the queue must not re-run the rules to load an envelope.
public struct QueuedEnvelope: Sendable, Hashable {
    /// Assigned by `FSQueue.commit`; whatever the caller put here is replaced.
    public var id: EnvelopeID?
    /// The envelope sender; empty for the null sender `<>` (bounces).
    public var sender: String
    /// The RCPT TO the client gave (`%{rcpt}`).
    public var rcpt: String
    /// The address after expansion (`%{dest}`).
    public var dest: String
    /// The smtpd.conf action that delivers it.
    public var action: String
    /// `maildir`, `mbox`, `lmtp`, `mda`, `relay`…
    public var method: String
    /// The method's argument: a maildir path, an LMTP socket, an MDA command, a relay host; empty if none.
    public var target: String
    /// The local user the delivery runs as; nil for relayed mail.
    public var user: String?
    /// Unix seconds when the message was accepted.
    public var created: Int64
    /// Unix seconds after which the envelope bounces (`queue ttl` / action `ttl`).
    public var expire: Int64
    /// Unix seconds of the last delivery attempt; 0 before the first.
    public var lastTry: Int64
    /// Unix seconds before which the scheduler must not try again; 0 means now.
    public var nextTry: Int64
    /// Delivery attempts so far.
    public var retries: Int
    /// The last temporary failure's text, shown by `smtpctl show queue` and quoted in delay notices.
    public var lastError: String
    /// The system user the delivery runs as: the action's `user` option, or `user` (`runas` in the file). Nil
    /// for relayed mail.
    public var deliveryUser: String?
    /// The local user's home directory (`%{user.directory}`): the MDA's `HOME`.
    public var home: String?
    /// `maildir … junk`: spam goes into the `.Junk` folder.
    public var junk: Bool
    /// The sub-address cut from the user name (`news` for `batman+news`): the MDA's `EXTENSION`.
    public var subaddress: String?
    /// DSN fields (RFC 3461) from RCPT TO and MAIL FROM, kept for bounces and relaying; empty when not given.
    public var dsn: DSNFields
    /// Unix seconds of the last delay notice sent for this envelope; 0 when none was sent.
    public var lastWarning: Int64
    /// The body's size and SHA-256 when the message was committed; nil in envelopes from before Tern kept it.
    public var bodyCheck: BodyCheck?
    /// Keys this version does not know, kept so that a rewrite by an older Tern loses nothing.
    public var extraFields: [String: String]

    public init(
        id: EnvelopeID? = nil, sender: String, rcpt: String, dest: String, action: String,
        method: String, target: String = "", user: String? = nil, created: Int64, expire: Int64,
        lastTry: Int64 = 0, nextTry: Int64 = 0, retries: Int = 0, lastError: String = "",
        deliveryUser: String? = nil, home: String? = nil, junk: Bool = false, subaddress: String? = nil,
        dsn: DSNFields = DSNFields(), lastWarning: Int64 = 0, bodyCheck: BodyCheck? = nil,
        extraFields: [String: String] = [:]
    ) {
        self.id = id
        self.sender = sender
        self.rcpt = rcpt
        self.dest = dest
        self.action = action
        self.method = method
        self.target = target
        self.user = user
        self.created = created
        self.expire = expire
        self.lastTry = lastTry
        self.nextTry = nextTry
        self.retries = retries
        self.lastError = lastError
        self.deliveryUser = deliveryUser
        self.home = home
        self.junk = junk
        self.subaddress = subaddress
        self.dsn = dsn
        self.lastWarning = lastWarning
        self.bodyCheck = bodyCheck
        self.extraFields = extraFields
    }
}

/// What the client asked for delivery status notifications (RFC 3461), as text the way it came on the wire.
public struct DSNFields: Sendable, Hashable {
    /// RCPT TO's NOTIFY: `SUCCESS`, `DELAY`, `FAILURE` (comma-separated) or `NEVER`; empty for the default
    /// (failures, and delays per `bounce warn-interval`).
    public var notify: String
    /// RCPT TO's ORCPT, `rfc822;user@example.org`.
    public var originalRecipient: String
    /// MAIL FROM's RET: `FULL` or `HDRS`.
    public var ret: String
    /// MAIL FROM's ENVID (xtext decoded).
    public var envelopeID: String
    /// MAIL FROM's BODY: `7BIT` or `8BITMIME`.
    public var body: String
    /// MAIL FROM's SMTPUTF8.
    public var smtputf8: Bool

    public init(
        notify: String = "", originalRecipient: String = "", ret: String = "", envelopeID: String = "",
        body: String = "", smtputf8: Bool = false
    ) {
        self.notify = notify
        self.originalRecipient = originalRecipient
        self.ret = ret
        self.envelopeID = envelopeID
        self.body = body
        self.smtputf8 = smtputf8
    }
}
