/// Counters for `smtpctl show stats`, under OpenSMTPD's names.
public struct SchedulerStats: Sendable, Hashable {
    public var deliveredOK = 0
    public var temporaryFailures = 0
    public var permanentFailures = 0
    public var expired = 0
    /// Envelopes removed by `smtpctl remove`.
    public var removed = 0
    /// Notifications queued (failures, delays and successes).
    public var bounces = 0
    /// Envelopes handed to an agent.
    public var scheduled = 0
    /// Envelopes in the queue now, and how many of them are being delivered.
    public var envelopes = 0
    public var inflight = 0

    public init() {}

    /// `key=value` pairs as `smtpctl show stats` prints them, sorted by key.
    public var keyValues: [(key: String, value: Int)] {
        [
            ("queue.bounce", bounces),
            ("scheduler.delivery.ok", deliveredOK),
            ("scheduler.delivery.permfail", permanentFailures),
            ("scheduler.delivery.tempfail", temporaryFailures),
            ("scheduler.envelope", envelopes),
            ("scheduler.envelope.expired", expired),
            ("scheduler.envelope.inflight", inflight),
            ("scheduler.envelope.removed", removed),
            ("scheduler.envelope.scheduled", scheduled),
        ]
    }
}
