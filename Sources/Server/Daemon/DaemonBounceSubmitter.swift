import Logging
import RuleEngine

/// Queues the scheduler's delivery status notifications as local mail from `<>`: the recipient goes through
/// the rules and expansion as a message from the local socket would, and the message is committed like any
/// other before the scheduler takes it.
struct DaemonBounceSubmitter: BounceSubmitter {
    let store: ConfigurationStore
    let queue: FSQueue
    let logger: Logger
    let onCommit: @Sendable (CommittedMessage) async -> Void

    struct NotRouted: Error, CustomStringConvertible {
        var description: String
    }

    func submitBounce(to recipient: String, message: [UInt8]) async throws {
        let configuration = store.configuration
        let request = RecipientRequest(session: .localSocket(serverName: configuration.localHost.serverName),
            sender: .null, rcpt: MailAddress(text: recipient))
        let result = await BlockingWork.run { configuration.expander.expand(request) }
        let now = UnixTime.now()
        let envelopes: [QueuedEnvelope]
        switch result.outcome {
        case .accepted(let expanded):
            envelopes = expanded.map {
                QueuedEnvelope($0, dsn: DSNFields(notify: "NEVER"), created: now,
                    expire: now + Int64(configuration.timeToLive(action: $0.actionName)))
            }
        case .refused(let refusal):
            if refusal.reply.isTemporary {
                throw NotRouted(description: "bounce to <\(recipient)>: \(refusal.reply.line)")
            }
            // Nobody can take it: OpenSMTPD drops such a notification with a log line, and so does Tern.
            logger.warning("warn: bounce to <\(recipient)> dropped: \(refusal.reply.line) (\(refusal.reason))")
            return
        }
        let incoming = try await queue.beginMessage()
        do {
            try await queue.append(incoming, message)
            let committed = try await queue.commit(incoming, envelopes: envelopes)
            logger.info("bounce: msgid=\(committed.id) to=<\(recipient)> queued")
            await onCommit(committed)
        } catch {
            await queue.abort(incoming)
            throw error
        }
    }
}
