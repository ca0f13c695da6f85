/// What a session reports for the logs, beyond its questions to the policy: OpenSMTPD's `smtp failed-command`,
/// `smtp tls` and `smtp disconnected` lines come from these.
public enum SMTPSessionEvent: Hashable, Sendable {
    /// A command got a 4xx or 5xx reply. `command` is the line as received, except that AUTH keeps only its
    /// mechanism (credentials never reach the logs) and the end of a message reads `.` as OpenSMTPD logs it.
    case failedCommand(command: String, reply: SMTPReply)
    /// Input that broke the protocol (a bare LF, an overlong line): OpenSMTPD's `smtp bad-input`.
    case badInput(reply: SMTPReply)
    /// The reply accepting this message is on its way to the client. The work the client need not wait for
    /// (the message's log lines, handing it to delivery) is done at this event, after the reply is written,
    /// rather than before it.
    case messageAccepted(messageID: String)
    /// The TLS handshake finished (STARTTLS or smtps).
    case tlsEstablished(TLSInfo)
    /// The connection is gone; `reason` is `quit`, `timeout` or `disconnect`, as OpenSMTPD words it.
    case disconnected(reason: String)
}
