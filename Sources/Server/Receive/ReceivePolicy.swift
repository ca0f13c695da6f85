public import ConfParser
import Logging
import RuleEngine
public import Transport

/// The server's answers to one listener's sessions: admission, AUTH, MAIL FROM, each RCPT through the rule
/// engine, and the message into the durable queue. One value per bound listener; the shared state lives in
/// ``ReceiveServices``.
///
/// A session keeps the configuration it started with (the registry holds it from connect to disconnect), so a
/// reload never changes the rules under a transaction.
public struct ReceivePolicy: SessionPolicy {
    let listener: Listener
    let services: ReceiveServices

    public init(listener: Listener, services: ReceiveServices) {
        self.listener = listener
        self.services = services
    }

    var logger: Logger { services.logger }

    func configuration(_ session: SMTPSessionInfo) -> RunningConfiguration {
        services.sessions.configuration(of: session.client.sessionID) ?? services.store.configuration
    }

    // MARK: Connection

    public func connect(session: SMTPSessionInfo) async -> ConnectDecision {
        let client = session.client
        let configuration = services.store.configuration
        switch services.sessions.admit(client.sessionID, address: client.address, configuration: configuration,
            limits: services.limits)
        {
        case .admitted:
            break
        case .tooManySessions, .tooManyFromAddress:
            services.statistics.withLock { $0.refusedSessions += 1 }
            TernMetrics.sessionRefused()
            logger.info("\(client.sessionIDText) smtp connected address=\(client.address) host=<unknown>")
            logger.info("\(client.sessionIDText) smtp disconnected reason=too-many-sessions")
            return .reject(SMTPReply(421, EnhancedStatusCode(4, .otherStatus), "Too many connections, try later"))
        }
        services.statistics.withLock {
            $0.sessions += 1
            $0.activeSessions += 1
        }
        TernMetrics.sessionAdmitted()
        let serverName = hostnamesTableName(for: client, configuration: configuration)
        if !client.isLocalEnqueue && services.limits.reverseDNS {
            // The banner goes out now and the lookup runs while it travels (`identifyClient`); OpenSMTPD
            // greets only once the lookup is done. No command is answered before the name is known.
            return .acceptThenIdentify(serverName: serverName)
        }
        let reverseName = client.isLocalEnqueue ? configuration.localHost.serverName : nil
        logConnected(client, reverseName: reverseName)
        return .accept(serverName: serverName, reverseName: reverseName)
    }

    /// The client's forward-confirmed reverse DNS name, looked up while the banner travels.
    public func identifyClient(session: SMTPSessionInfo) async -> String? {
        let reverseName = await ReverseDNS.lookup(session.client.address)
        logConnected(session.client, reverseName: reverseName)
        return reverseName
    }

    private func logConnected(_ client: SMTPClientInfo, reverseName: String?) {
        let hostText = reverseName ?? "<unknown>"
        logger.info("\(client.sessionIDText) smtp connected address=\(client.address) host=\(hostText)")
    }

    /// `hostnames <T>`: the name to present for the local address the client reached.
    private func hostnamesTableName(for client: SMTPClientInfo, configuration: RunningConfiguration) -> String? {
        guard let reference = listener.hostnames, let local = client.localAddress else { return nil }
        return try? configuration.tables.table(for: reference).addressName(for: local)
    }

    public func record(_ event: SMTPSessionEvent, session: SMTPSessionInfo) async {
        let id = session.client.sessionIDText
        switch event {
        case .failedCommand(let command, let reply):
            logger.info("\(id) smtp failed-command command=\"\(command)\" result=\"\(Self.logText(reply))\"")
        case .badInput(let reply):
            logger.info("\(id) smtp bad-input result=\"\(Self.logText(reply))\"")
        case .messageAccepted(let messageID):
            guard let accepted = services.acceptedMessages.withLock({ $0.removeValue(forKey: messageID) }) else {
                return
            }
            let committed = accepted.committed
            logger.info("\(id) smtp message msgid=\(committed.id) size=\(accepted.size) nrcpt=\(accepted.recipientCount) proto=\(accepted.proto)")
            for envelope in committed.envelopes {
                logger.info("\(id) smtp envelope evpid=\(envelope.id!) from=<\(envelope.sender)> to=<\(envelope.dest)>")
            }
            await services.onCommit(committed)
        case .tlsEstablished(let tls):
            services.statistics.withLock { $0.tlsSessions += 1 }
            TernMetrics.tlsHandshake()
            // OpenSMTPD's tls_to_text: VERSION:CIPHER:BITS. swift-nio-ssl tells the version only.
            let details = tls.cipher.map { ":\($0):\(tls.cipherBits ?? 0)" } ?? ""
            logger.info("\(id) smtp tls ciphers=\(tls.version)\(details)")
        case .disconnected(let reason):
            // A session refused at connect was never admitted and already logged its end.
            guard services.sessions.remove(session.client.sessionID, address: session.client.address) else { return }
            services.statistics.withLock { $0.activeSessions -= 1 }
            logger.info("\(id) smtp disconnected reason=\(reason)")
        }
    }

    /// A reply as one log field: the first line, as OpenSMTPD logs the reply it formatted.
    static func logText(_ reply: SMTPReply) -> String {
        "\(reply.code) " + (reply.enhancedCode.map { "\($0) " } ?? "") + (reply.lines.first ?? "")
    }

    // MARK: Transaction

    public func mailFrom(session: SMTPSessionInfo, sender: MailPath, parameters: MailParameters) async
        -> MailFromDecision
    {
        let configuration = configuration(session)
        switch senderAllowed(session: session, sender: sender, configuration: configuration) {
        case .allowed: break
        case .refused: return .senderRejected
        case .tableFailed: return .temporaryFailure
        }
        let delay = services.inflowDelay
        if delay > .zero { try? await Task.sleep(for: delay) }
        do {
            let message = try await services.queue.beginMessage()
            let transaction = OpenTransaction(message: message, configuration: configuration, created: UnixTime.now())
            services.transactions.withLock { $0[message.id.description] = transaction }
            return .accept(messageID: message.id.description)
        } catch {
            logger.error("\(session.client.sessionIDText) smtp queue error: \(error)")
            return .temporaryFailure
        }
    }

    public func openMessage(session: SMTPSessionInfo, transaction: SMTPTransactionInfo) async -> MessageOpening {
        .opened(timestamp: .now(), uniqueToken: UInt64.random(in: 1...UInt64.max))
    }

    public func appendMessage(_ transaction: SMTPTransactionInfo, data: [UInt8]) async {
        guard let open = services.transactions.withLock({ $0[transaction.messageID] }), open.failure == nil else {
            return
        }
        do {
            try await services.queue.append(open.message, data)
        } catch let error as QueueError {
            services.transactions.withLock { $0[transaction.messageID]?.failure = error }
        } catch {
            services.transactions.withLock {
                $0[transaction.messageID]?.failure = .system(operation: "append", path: "\(error)", errno: 0)
            }
        }
    }

    public func commitMessage(session: SMTPSessionInfo, transaction: SMTPTransactionInfo, size: Int) async
        -> CommitResult
    {
        guard let open = services.transactions.withLock({ $0.removeValue(forKey: transaction.messageID) }) else {
            return .failed(nil)
        }
        let id = session.client.sessionIDText
        if let failure = open.failure {
            logger.error("\(id) smtp message msgid=\(transaction.messageID) error=\"\(failure)\"")
            return .failed(failure.isDiskFull ? Replies.insufficientStorage : nil)
        }
        do {
            let committed = try await services.queue.commit(open.message, envelopes: open.envelopes)
            services.statistics.withLock { $0.messagesAccepted += 1 }
            TernMetrics.messageAccepted()
            let accepted = AcceptedMessage(committed: committed, size: size,
                recipientCount: transaction.recipients.count, proto: session.usedEHLO ? "ESMTP" : "SMTP")
            services.acceptedMessages.withLock { $0[transaction.messageID] = accepted }
            return .accepted
        } catch let error as QueueError {
            logger.error("\(id) smtp message msgid=\(transaction.messageID) error=\"\(error)\"")
            return .failed(error.isDiskFull ? Replies.insufficientStorage : nil)
        } catch {
            logger.error("\(id) smtp message msgid=\(transaction.messageID) error=\"\(error)\"")
            return .failed(nil)
        }
    }

    public func abortTransaction(_ transaction: SMTPTransactionInfo) async {
        guard let open = services.transactions.withLock({ $0.removeValue(forKey: transaction.messageID) }) else {
            return
        }
        await services.queue.abort(open.message)
    }
}
