import ConfParser
import Logging
import RuleEngine
import Transport

extension ReceivePolicy {
    /// Runs the rules and the alias/virtual/.forward expansion for one RCPT, and keeps the resulting envelopes
    /// with the transaction until the commit.
    public func rcptTo(session: SMTPSessionInfo, transaction: SMTPTransactionInfo, recipient: Mailbox,
        parameters: RecipientParameters) async -> RecipientDecision
    {
        guard let open = services.transactions.withLock({ $0[transaction.messageID] }) else {
            return .reject(.temporaryFailure)
        }
        let configuration = open.configuration
        let request = RecipientRequest(
            session: sessionFacts(session, configuration: configuration),
            sender: transaction.sender.mailbox.map { MailAddress(user: $0.localPart, domain: $0.domain ?? "") } ?? .null,
            rcpt: MailAddress(user: recipient.localPart, domain: recipient.domain ?? session.serverName))
        let result = await BlockingWork.run { configuration.expander.expand(request) }
        switch result.outcome {
        case .accepted(let envelopes):
            let dsn = DSNFields(transaction: transaction, recipient: parameters)
            let queued = envelopes.map { envelope in
                QueuedEnvelope(envelope, dsn: dsn, created: open.created,
                    expire: open.created + Int64(configuration.timeToLive(action: envelope.actionName)))
            }
            services.transactions.withLock { $0[transaction.messageID]?.envelopes += queued }
            services.statistics.withLock { $0.recipientsAccepted += 1 }
            TernMetrics.recipient(accepted: true)
            return .accept
        case .refused(let refusal):
            services.statistics.withLock { $0.recipientsRefused += 1 }
            TernMetrics.recipient(accepted: false)
            logger.debug("\(session.client.sessionIDText) smtp rcpt refused: \(refusal.reason)")
            return .reject(RecipientRejection(refusal.reply))
        }
    }

    /// The facts the rules look at, in OpenSMTPD's texts.
    func sessionFacts(_ session: SMTPSessionInfo, configuration: RunningConfiguration) -> SessionFacts {
        if session.client.isLocalEnqueue {
            return .localSocket(serverName: configuration.localHost.serverName,
                listenerTag: configuration.config.socketListener?.tag, helo: session.helo ?? "")
        }
        return SessionFacts(
            clientAddress: SessionFacts.clientAddressText(forIP: session.client.address) ?? session.client.address,
            reverseName: session.client.reverseName, listenerTag: listener.tag, helo: session.helo ?? "",
            authenticatedUser: session.isAuthenticated ? (session.authenticatedUser ?? "") : nil,
            tls: session.isSecure)
    }
}

extension RecipientRejection {
    /// The session's form of a rule-engine refusal: OpenSMTPD's fixed texts map to their cases, anything else
    /// (an alias's `error:` text) is sent as written.
    init(_ reply: RecipientReply) {
        switch reply.status {
        case RecipientReply.Status.invalidRecipient: self = .invalidRecipient
        case RecipientReply.Status.temporaryFailure: self = .temporaryFailure
        case RecipientReply.Status.expansionFailed: self = .expansionFailed(permanent: true)
        case RecipientReply.Status.expansionTemporaryFailure: self = .expansionFailed(permanent: false)
        default:
            let code = (400...599).contains(reply.code) ? reply.code : 550
            let text = reply.status.dropFirst(3).drop { $0 == " " }
            self = .custom(SMTPReply(code, nil, text.isEmpty ? "Invalid recipient" : String(text)))
        }
    }
}

extension DSNFields {
    /// What MAIL FROM and RCPT TO asked for, kept with each envelope.
    init(transaction: SMTPTransactionInfo, recipient: RecipientParameters) {
        self.init(
            notify: recipient.notify?.wireValue ?? "",
            originalRecipient: recipient.originalRecipient?.wireValue ?? "",
            ret: transaction.parameters.dsnReturn?.rawValue ?? "",
            envelopeID: transaction.parameters.envelopeID ?? "",
            body: transaction.parameters.body?.rawValue ?? "",
            smtputf8: transaction.parameters.smtpUTF8)
    }
}
