import ConfParser

/// What the scheduler needs from the configuration and the daemon.
public struct SchedulerSettings: Sendable {
    /// Deliveries (agent calls) running at once; more due envelopes wait for a free slot.
    public var maxConcurrentDeliveries: Int
    public var backoff: RetryBackoff
    /// `bounce warn-interval`: seconds after arrival at which a delay notice goes out; OpenSMTPD uses the
    /// first four.
    public var warnIntervals: [Int64]
    /// The lifetime of an envelope whose `expire` is 0 (`queue ttl`, 4 days by default). The daemon normally
    /// sets `expire` at commit (from the action's `ttl` or `queue ttl`), so this is a safety net.
    public var queueTTL: Int64
    /// How long to wait before trying again to record an outcome (or queue a notification) that failed.
    public var recordRetryDelay: Int64
    /// Methods whose agents write their own delivery log lines; the scheduler logs the others
    /// (`mda delivery …` for local methods, `mta delivery …` for relay).
    public var methodsLoggingThemselves: Set<String>

    public init(
        maxConcurrentDeliveries: Int = 32, backoff: RetryBackoff = RetryBackoff(),
        warnIntervals: [Int64] = [Int64(GlobalOptions.Defaults.bounceWarnInterval)],
        queueTTL: Int64 = Int64(GlobalOptions.Defaults.queueTTL), recordRetryDelay: Int64 = 60,
        methodsLoggingThemselves: Set<String> = []
    ) {
        self.maxConcurrentDeliveries = max(1, maxConcurrentDeliveries)
        self.backoff = backoff
        self.warnIntervals = Array(warnIntervals.filter { $0 > 0 }.prefix(4))
        self.queueTTL = queueTTL
        self.recordRetryDelay = max(1, recordRetryDelay)
        self.methodsLoggingThemselves = methodsLoggingThemselves
    }

    /// `bounce warn-interval` and `queue ttl` from the configuration, OpenSMTPD's defaults otherwise.
    public init(globals: GlobalOptions, maxConcurrentDeliveries: Int = 32) {
        let warn = globals.bounceWarnIntervals?.map { Int64($0.seconds) }
            ?? [Int64(GlobalOptions.Defaults.bounceWarnInterval)]
        self.init(
            maxConcurrentDeliveries: maxConcurrentDeliveries, warnIntervals: warn,
            queueTTL: Int64(globals.queueTTL?.seconds ?? GlobalOptions.Defaults.queueTTL))
    }
}
