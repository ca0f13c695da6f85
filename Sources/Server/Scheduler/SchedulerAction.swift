/// What the scheduler's state machine asks its runner to do.
enum SchedulerAction: Sendable, Hashable {
    /// Open the message's body and hand these envelopes to the agent for their method; report the outcomes with
    /// `deliveryFinished`.
    case deliver(DeliveryBatch)
    /// Queue the notifications, then write the envelopes' new state; report with `recordFinished`.
    case record(Record)
    /// A log line, OpenSMTPD's text.
    case log(LogLine)
}

/// One agent call: envelopes of one message with the same method, target and delivery user.
struct DeliveryBatch: Sendable, Hashable {
    let id: Int
    /// The `mda delivery` / `mta delivery` log lines' first field (OpenSMTPD's session id).
    let sessionID: UInt64
    let messageID: MessageID
    let method: String
    let envelopes: [QueuedEnvelope]
    let started: Int64
}

/// Outcomes to make durable. A notification goes into the queue before the envelopes it covers are removed or
/// rewritten; whatever fails stays in the record and is tried again later.
struct Record: Sendable, Hashable {
    enum Write: Sendable, Hashable {
        /// Delivered, bounced, expired or removed by the administrator.
        case remove(EnvelopeID)
        /// A temporary failure: tries, next try, last error, last warning.
        case update(QueuedEnvelope)

        var envelopeID: EnvelopeID {
            switch self {
            case .remove(let id): id
            case .update(let envelope): envelope.id!
            }
        }
    }

    let id: Int
    var bounces: [BounceRequest]
    var writes: [Write]
}

struct LogLine: Sendable, Hashable {
    enum Level: Sendable, Hashable { case info, warning }
    var level: Level
    var text: String

    static func info(_ text: String) -> LogLine { LogLine(level: .info, text: text) }
    static func warning(_ text: String) -> LogLine { LogLine(level: .warning, text: text) }
}
