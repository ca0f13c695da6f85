public import CoreMetrics

/// The daemon's metrics, one call per event. Until ``bootstrap(_:)`` every call goes to swift-metrics' no-op
/// handler, so the event points cost next to nothing when `--metrics` is off (and in tests).
///
/// The instruments live behind a lock rather than in lazily initialised statics: an event that happens before
/// the bootstrap (the queue scan at start-up, a test in the same process) must not pin the no-op handler.
public enum TernMetrics {
    private static let installed = Locked(TernInstruments(factory: NOOPMetricsHandler.instance))

    static var instruments: TernInstruments { installed.withLock { $0 } }

    /// Makes `factory` swift-metrics' backend for the whole process and Tern's instruments with it. Once per
    /// process, as `MetricsSystem.bootstrap` allows.
    public static func bootstrap(_ factory: any MetricsFactory) {
        MetricsSystem.bootstrap(factory)
        let instruments = TernInstruments(factory: factory)
        installed.withLock { $0 = instruments }
    }

    // MARK: Receiving

    /// A connection was admitted (not refused by the session limits).
    static func sessionAdmitted() { instruments.sessionAdmitted() }

    /// A connection was refused: too many sessions, or too many from its address.
    static func sessionRefused() { instruments.sessionRefused() }

    /// A TLS handshake completed (STARTTLS or smtps).
    static func tlsHandshake() { instruments.tlsHandshake() }

    static func authentication(_ result: TernInstruments.AuthenticationResult) { instruments.authentication(result) }

    static func recipient(accepted: Bool) { instruments.recipient(accepted: accepted) }

    /// A message is durable in the queue and its 250 is about to go out.
    static func messageAccepted() { instruments.messageAccepted() }

    // MARK: Scheduler

    /// An agent returned these outcomes for a batch of `method`.
    static func deliveries(_ outcomes: [DeliveryOutcome], method: String) {
        instruments.deliveries(outcomes, method: method)
    }

    /// A notification (failure, delay or success DSN) was queued for a sender.
    static func bounceQueued() { instruments.bounceQueued() }

    // MARK: Read at scrape time

    /// The gauges that are read rather than counted: sessions open now, and the queue as the scheduler sees it.
    static func observe(activeSessions: Int, queue: SchedulerStats) {
        instruments.observe(activeSessions: activeSessions, queue: queue)
    }
}
