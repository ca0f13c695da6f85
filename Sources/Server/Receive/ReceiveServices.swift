public import Logging

/// What every listener's sessions share: the configuration in force, the queue, the session registry and the
/// hand-off of committed messages to the scheduler.
public final class ReceiveServices: Sendable {
    public let store: ConfigurationStore
    public let queue: FSQueue
    public let limits: ReceiveLimits
    public let logger: Logger
    /// Called once a message is durable and its 250 was written: a client waits for neither the scheduler's
    /// wake-up nor the log lines.
    let onCommit: @Sendable (CommittedMessage) async -> Void
    /// Envelopes waiting in the queue now (the scheduler's count), for the inflow delay.
    let queueBacklog: @Sendable () -> Int
    let throttle: AuthenticationThrottle
    let sessions = SessionRegistry()
    let transactions = Locked([String: OpenTransaction]())
    /// Messages committed whose 250 is being sent, by message id, until the session's `messageAccepted` event.
    let acceptedMessages = Locked([String: AcceptedMessage]())
    let statistics = Locked(ReceiveStatistics())

    public init(store: ConfigurationStore, queue: FSQueue, limits: ReceiveLimits = .init(), logger: Logger,
        authenticationDelay: Duration = .seconds(1), queueBacklog: @escaping @Sendable () -> Int = { 0 },
        onCommit: @escaping @Sendable (CommittedMessage) async -> Void)
    {
        self.queueBacklog = queueBacklog
        self.store = store
        self.queue = queue
        self.limits = limits
        self.logger = logger
        self.onCommit = onCommit
        self.throttle = AuthenticationThrottle(firstDelay: authenticationDelay,
            maximumDelay: authenticationDelay * 16)
    }

    /// How long to hold a new transaction back: nothing below the threshold, then growing linearly to the
    /// maximum at twice the threshold.
    var inflowDelay: Duration {
        let threshold = limits.queueBacklogThreshold
        guard threshold > 0 else { return .zero }
        let excess = queueBacklog() - threshold
        guard excess > 0 else { return .zero }
        return limits.maximumInflowDelay * (Double(min(excess, threshold)) / Double(threshold))
    }

    /// Counters for `smtpctl show stats` and metrics.
    public var counters: ReceiveStatistics { statistics.withLock { $0 } }
}

/// Counters of the receiving side.
public struct ReceiveStatistics: Sendable, Hashable {
    public var sessions = 0
    public var activeSessions = 0
    public var refusedSessions = 0
    public var messagesAccepted = 0
    public var recipientsAccepted = 0
    public var recipientsRefused = 0
    public var authenticationFailures = 0
    public var tlsSessions = 0
}

/// A transaction between MAIL FROM and its commit or abort.
struct OpenTransaction: Sendable {
    let message: IncomingMessage
    let configuration: RunningConfiguration
    let created: Int64
    var envelopes: [QueuedEnvelope] = []
    /// The first write error; the commit then fails with it.
    var failure: QueueError?
}

/// A committed message, from its commit until the reply accepting it is written (see ``SMTPSessionEvent``'s
/// `messageAccepted`): what its log lines need, and the message for the scheduler.
struct AcceptedMessage: Sendable {
    let committed: CommittedMessage
    let size: Int
    let recipientCount: Int
    let proto: String
}

/// Sessions in progress: the configuration each started with, and how many come from each address.
final class SessionRegistry: Sendable {
    private struct State {
        var configurations: [UInt64: RunningConfiguration] = [:]
        var perAddress: [String: Int] = [:]
    }

    private let state = Locked(State())

    enum Admission {
        case admitted
        case tooManySessions
        case tooManyFromAddress
    }

    func admit(_ id: UInt64, address: String, configuration: RunningConfiguration, limits: ReceiveLimits)
        -> Admission
    {
        state.withLock { state in
            if state.configurations.count >= limits.maximumSessions { return .tooManySessions }
            let exempt = address == "local" || address.hasPrefix("127.") || address == "::1"
                || address.hasPrefix("::ffff:127.")
            let count = state.perAddress[address, default: 0]
            if !exempt, limits.maximumSessionsPerAddress > 0, count >= limits.maximumSessionsPerAddress {
                return .tooManyFromAddress
            }
            state.configurations[id] = configuration
            state.perAddress[address] = count + 1
            return .admitted
        }
    }

    func configuration(of id: UInt64) -> RunningConfiguration? {
        state.withLock { $0.configurations[id] }
    }

    /// Forgets a session; false when it was never admitted (refused at connect).
    @discardableResult
    func remove(_ id: UInt64, address: String) -> Bool {
        state.withLock { state in
            guard state.configurations.removeValue(forKey: id) != nil else { return false }
            let count = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = count > 0 ? count : nil
            return true
        }
    }

    var count: Int { state.withLock { $0.configurations.count } }
}
