/// What the channel layer must do after feeding the client state machine.
public enum SMTPClientAction: Sendable, Hashable {
    /// Write and flush these bytes (one or more command lines, or the message data).
    case write([UInt8])
    /// The server said yes to STARTTLS: put TLS in front of the session now, then call
    /// ``SMTPClientStateMachine/tlsEstablished()``.
    case startTLS
    /// The session is greeted, secured and authenticated as configured: transactions may be sent.
    case ready(SMTPServerCapabilities)
    /// The transaction ended: the final reply for each recipient, in the transaction's order (2xx delivered,
    /// 4xx try again, 5xx bounce). The session is ready for the next transaction.
    case transactionCompleted([SMTPReply])
    /// The session cannot go on (refused greeting, TLS or AUTH failure, a 421, a protocol error): close the
    /// connection. A transaction in progress has been completed first with a 4xx for its open recipients.
    case failed(SMTPClientFailure)
    /// QUIT was answered: close the connection.
    case close
}

/// Why an outgoing session stopped, worded for logs and for the envelope's `lasterror`.
public struct SMTPClientFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Stage: Sendable, Hashable {
        /// Connecting, or the connection dropped: another MX may do better.
        case connection
        /// The greeting, EHLO/HELO, STARTTLS or the TLS handshake.
        case session
        /// AUTH was refused or impossible.
        case authentication
        /// The server broke the protocol or sent a 421 while a transaction was running.
        case transaction
    }

    public var stage: Stage
    /// The server's reply, when one caused the failure.
    public var reply: SMTPReply?
    public var text: String

    public init(stage: Stage, reply: SMTPReply? = nil, text: String) {
        self.stage = stage
        self.reply = reply
        self.text = text
    }

    /// A 5xx greeting or EHLO means this host refuses all mail from us (OpenSMTPD: `host-rejects-all-mails`).
    public var isPermanent: Bool { reply?.isPermanentFailure ?? false }

    public var description: String { text }
}
