/// A question the session state machine asks the server, through ``SMTPSessionAction/ask(_:)``. The machine reads
/// no more input until ``SMTPSessionStateMachine/answer(_:)`` brings the matching ``SessionPolicyAnswer``; that is
/// what keeps pipelined replies in order (RFC 2920 §3).
public enum SessionPolicyRequest: Hashable, Sendable {
    /// A client connected: accept it (and perhaps rename the server, as the `hostnames` table does) or refuse.
    case connect
    /// The banner is out: look up who the client is (its reverse DNS name) before any command is answered.
    case identifyClient
    /// Check credentials against the listener's table (off the event loop: crypt is slow).
    case authenticate(SASLCredentials)
    /// Open a transaction: check the sender (`senders` table) and create the message in the queue.
    case mailFrom(MailPath, MailParameters)
    /// Run the ruleset for one recipient (the server expands it and writes its envelopes).
    case rcptTo(Mailbox, RecipientParameters)
    /// DATA or the first BDAT: open the message file.
    case openMessage
    /// The whole message was received and written: make it durable, then answer.
    case commitMessage(size: Int)
}

/// The server's answer to a ``SessionPolicyRequest``; it must match the question.
public enum SessionPolicyAnswer: Hashable, Sendable {
    case connect(ConnectDecision)
    /// The client's forward-confirmed reverse DNS name (nil: none).
    case identifyClient(reverseName: String?)
    case authenticate(AuthenticationResult)
    case mailFrom(MailFromDecision)
    case rcptTo(RecipientDecision)
    case openMessage(MessageOpening)
    case commitMessage(CommitResult)
}

public enum ConnectDecision: Hashable, Sendable {
    /// Send the banner; `serverName` replaces the configured name (the `hostnames` table), and `reverseName` is
    /// the client's forward-confirmed reverse DNS name, which the policy looked up (nil: none).
    case accept(serverName: String? = nil, reverseName: String? = nil)
    /// Send the banner at once, then ask ``SessionPolicyRequest/identifyClient`` and answer no command until it
    /// is answered: the reverse lookup runs while the banner travels and the client writes its first command.
    case acceptThenIdentify(serverName: String? = nil)
    /// Send this reply and close.
    case reject(SMTPReply)
}

public enum AuthenticationResult: Hashable, Sendable {
    /// `235 2.0.0 Authentication succeeded`.
    case success
    /// `535 Authentication failed`. OpenSMTPD waits up to a second before it answers; Tern's policy does that
    /// (and grows the delay for repeated failures from one address) before it returns this.
    case failure
    /// `421 4.3.0 Temporary failure` (the table could not be read), then close.
    case temporaryFailure
}

public enum MailFromDecision: Hashable, Sendable {
    /// `250 2.0.0 Ok`; `messageID` names the queued message from now on (Received `id`, the final 250).
    case accept(messageID: String)
    /// `530 Sender rejected`: the `senders` table does not allow this address for the authenticated user.
    case senderRejected
    /// `421 4.3.0 Temporary Error`, then close.
    case temporaryFailure
    /// Any other reply (a 421 closes the connection).
    case reject(SMTPReply)
}

public enum RecipientDecision: Hashable, Sendable {
    /// `250 2.1.5 Destination address valid: Recipient ok`.
    case accept
    case reject(RecipientRejection)
}

/// Why a recipient was refused; the session appends `: <user@domain>` as OpenSMTPD does.
public enum RecipientRejection: Hashable, Sendable {
    /// `550 Invalid recipient`: no rule matched, or a `reject` rule did.
    case invalidRecipient
    /// `451 Temporary failure`: a table lookup failed.
    case temporaryFailure
    /// `524 5.2.4` / `424 4.2.4 Mailing list expansion problem`: the expansion gave nothing, or looped.
    case expansionFailed(permanent: Bool)
    /// Any other reply.
    case custom(SMTPReply)
}

public enum MessageOpening: Hashable, Sendable {
    /// The message file is open. `timestamp` dates the Received header (and an added Date);
    /// `uniqueToken` makes an added Message-ID (`<%016llx@host>`, OpenSMTPD's `generate_uid()`).
    case opened(timestamp: MessageTimestamp, uniqueToken: UInt64)
    /// `421 4.3.0 Temporary Error`, then close.
    case failed
}

public enum CommitResult: Hashable, Sendable {
    /// `250 2.0.0 ID Message accepted for delivery`: the message and its envelopes are durable.
    case accepted
    /// This reply, or `421 4.3.0 Temporary failure` (then close) when nil.
    case failed(SMTPReply?)
}
