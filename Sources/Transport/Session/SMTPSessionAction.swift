/// What the session state machine asks its owner (the NIO handler, or a test) to do, in order.
///
/// Replies are written as they come; the owner flushes once it has carried out a whole batch (the actions one
/// event returned), which RFC 2920 §3 allows: replies to pipelined commands may be sent together.
public enum SMTPSessionAction: Hashable, Sendable {
    /// Write this reply.
    case send(SMTPReply)
    /// Ask the policy; then call ``SMTPSessionStateMachine/answer(_:)``. No input is read meanwhile.
    case ask(SessionPolicyRequest)
    /// The `220 Ready to start TLS` reply was just sent: flush it and start the TLS handshake now, then call
    /// ``SMTPSessionStateMachine/tlsEstablished(_:)``.
    case startTLS
    /// Input was thrown away, for a reason worth logging.
    case discardedInput(byteCount: Int, reason: DiscardReason)
    /// Append these bytes to the open message (``SessionPolicy/appendMessage(_:data:)``).
    case appendMessage([UInt8])
    /// This transaction will never be committed (``SessionPolicy/abortTransaction(_:)``).
    case abortTransaction(SMTPTransactionInfo)
    /// (Re)start the idle timer; when it fires, call ``SMTPSessionStateMachine/idleTimeout()``.
    case armIdleTimer(Duration)
    /// Flush what was written and close the connection. Always the last action.
    case close
    /// Something worth a log line happened (``SessionPolicy/record(_:session:)``).
    case event(SMTPSessionEvent)

    public enum DiscardReason: Hashable, Sendable {
        /// Bytes the client sent after STARTTLS, before the TLS handshake: they were never under TLS and must not
        /// be read as if they were (CVE-2011-0411, the STARTTLS command injection class).
        case pipelinedAfterSTARTTLS
        /// Bytes after QUIT, or after a reply that ends the session.
        case afterClose
    }
}
