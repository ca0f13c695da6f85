/// The decisions an SMTP session needs from the rest of the server. Transport declares it; the Server module
/// implements it (rule engine, credentials tables, queue), so Transport never depends on those.
///
/// The NIO handler runs the session state machine and, for each ``SMTPSessionAction/ask(_:)``, calls
/// ``answer(_:session:transaction:)`` (off the event loop) and feeds the result back. Message data arrives through
/// ``appendMessage(_:data:)`` between ``openMessage(session:transaction:)`` and
/// ``commitMessage(session:transaction:size:)``; ``abortTransaction(_:)`` drops a transaction that will never be
/// committed (RSET, an error, a disconnect).
public protocol SessionPolicy: Sendable {
    func connect(session: SMTPSessionInfo) async -> ConnectDecision
    /// After ``ConnectDecision/acceptThenIdentify(serverName:)``: the client's reverse DNS name, if any.
    func identifyClient(session: SMTPSessionInfo) async -> String?
    func authenticate(session: SMTPSessionInfo, credentials: SASLCredentials) async -> AuthenticationResult
    func mailFrom(session: SMTPSessionInfo, sender: MailPath, parameters: MailParameters) async -> MailFromDecision
    func rcptTo(session: SMTPSessionInfo, transaction: SMTPTransactionInfo, recipient: Mailbox,
        parameters: RecipientParameters) async -> RecipientDecision
    func openMessage(session: SMTPSessionInfo, transaction: SMTPTransactionInfo) async -> MessageOpening
    /// Appends bytes (LF line ends) to the open message. A write failure is remembered and reported by
    /// ``commitMessage(session:transaction:size:)``.
    func appendMessage(_ transaction: SMTPTransactionInfo, data: [UInt8]) async
    func commitMessage(session: SMTPSessionInfo, transaction: SMTPTransactionInfo, size: Int) async -> CommitResult
    func abortTransaction(_ transaction: SMTPTransactionInfo) async
    /// Something happened worth logging; `disconnected` is always the session's last call.
    func record(_ event: SMTPSessionEvent, session: SMTPSessionInfo) async
}

extension SessionPolicy {
    public func record(_ event: SMTPSessionEvent, session: SMTPSessionInfo) async {}

    public func identifyClient(session: SMTPSessionInfo) async -> String? { nil }

    /// Answers any request by calling the matching method.
    /// - Parameters:
    ///   - request: what the state machine asked.
    ///   - session: the machine's ``SMTPSessionStateMachine/session``.
    ///   - transaction: the machine's ``SMTPSessionStateMachine/transaction`` (required for `rcptTo`,
    ///     `openMessage` and `commitMessage`, which only come inside a transaction).
    public func answer(_ request: SessionPolicyRequest, session: SMTPSessionInfo, transaction: SMTPTransactionInfo?)
        async -> SessionPolicyAnswer
    {
        switch request {
        case .connect:
            return .connect(await connect(session: session))
        case .identifyClient:
            return .identifyClient(reverseName: await identifyClient(session: session))
        case .authenticate(let credentials):
            return .authenticate(await authenticate(session: session, credentials: credentials))
        case .mailFrom(let sender, let parameters):
            return .mailFrom(await mailFrom(session: session, sender: sender, parameters: parameters))
        case .rcptTo(let recipient, let parameters):
            guard let transaction else { preconditionFailure("rcptTo outside a transaction") }
            return .rcptTo(await rcptTo(session: session, transaction: transaction, recipient: recipient,
                parameters: parameters))
        case .openMessage:
            guard let transaction else { preconditionFailure("openMessage outside a transaction") }
            return .openMessage(await openMessage(session: session, transaction: transaction))
        case .commitMessage(let size):
            guard let transaction else { preconditionFailure("commitMessage outside a transaction") }
            return .commitMessage(await commitMessage(session: session, transaction: transaction, size: size))
        }
    }
}
