/// The connecting client, as the listener saw it.
public struct SMTPClientInfo: Hashable, Sendable {
    /// The address as OpenSMTPD prints it, without brackets: `192.0.2.1`, `2001:db8::1`, or `local` for the
    /// unix socket.
    public var address: String
    /// The forward-confirmed reverse DNS name, nil when there is none (printed `<unknown>`).
    public var reverseName: String?
    /// Local enqueueing (`smtpctl`/sendmail through the unix socket): OpenSMTPD treats these sessions as
    /// authenticated from the start.
    public var isLocalEnqueue: Bool
    /// The session's id in logs: 64 random bits, printed as 16 hex digits as OpenSMTPD prints its session ids.
    public var sessionID: UInt64
    /// The local address the client connected to (for the `hostnames` table), without brackets.
    public var localAddress: String?

    public init(address: String, reverseName: String? = nil, isLocalEnqueue: Bool = false,
        sessionID: UInt64 = UInt64.random(in: 1...UInt64.max), localAddress: String? = nil)
    {
        self.address = address
        self.reverseName = reverseName
        self.isLocalEnqueue = isLocalEnqueue
        self.sessionID = sessionID
        self.localAddress = localAddress
    }

    /// `sessionID` as 16 lowercase hex digits, the first word of every log line of the session.
    public var sessionIDText: String {
        let digits = String(sessionID, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// What the session knows about its client so far: handed to the policy with every question.
public struct SMTPSessionInfo: Hashable, Sendable {
    public var client: SMTPClientInfo
    /// The name this session presents (banner, EHLO, Received).
    public var serverName: String
    /// The HELO/EHLO argument; nil before HELO/EHLO and again after STARTTLS.
    public var helo: String?
    public var usedEHLO: Bool
    /// Set once TLS is up (STARTTLS or smtps).
    public var tls: TLSInfo?
    /// True after a successful AUTH, and from the start for local enqueueing.
    public var isAuthenticated: Bool
    /// The AUTH identity.
    public var authenticatedUser: String?
    /// Messages accepted in this session.
    public var messageCount: Int

    public var isSecure: Bool { tls != nil }
}

/// An accepted recipient.
public struct SMTPRecipient: Hashable, Sendable {
    public var mailbox: Mailbox
    public var parameters: RecipientParameters

    public init(mailbox: Mailbox, parameters: RecipientParameters) {
        self.mailbox = mailbox
        self.parameters = parameters
    }
}

/// The transaction in progress (between an accepted MAIL FROM and its end).
public struct SMTPTransactionInfo: Hashable, Sendable {
    /// The id the policy gave when it accepted MAIL FROM (the queue's message id).
    public var messageID: String
    public var sender: MailPath
    public var parameters: MailParameters
    public var recipients: [SMTPRecipient]
}
