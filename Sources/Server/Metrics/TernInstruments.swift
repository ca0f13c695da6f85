public import CoreMetrics

/// Every instrument Tern reports, made by one metrics factory. Names follow Prometheus's conventions
/// (`_total` for counters); the label sets are fixed and every combination is made up front, so that a scrape
/// shows zeros before the first event and a rate never starts from a missing series.
public struct TernInstruments: Sendable {
    /// How an AUTH attempt ended, in the words of OpenSMTPD's `smtp authentication … result=` log field.
    public enum AuthenticationResult: String, Sendable, CaseIterable {
        case ok
        case permfail
        case tempfail
    }

    /// How a delivery attempt ended, in the words of `smtpctl show stats` (`scheduler.delivery.*`).
    public enum DeliveryResult: String, Sendable, CaseIterable {
        case ok
        case tempfail
        case permfail

        init(_ outcome: DeliveryOutcome) {
            switch outcome {
            case .delivered: self = .ok
            case .temporaryFailure: self = .tempfail
            case .permanentFailure: self = .permfail
            }
        }
    }

    /// The names, for the README and the tests.
    public enum Name {
        public static let sessions = "tern_smtp_sessions_total"
        public static let sessionsRefused = "tern_smtp_sessions_refused_total"
        public static let sessionsActive = "tern_smtp_sessions_active"
        public static let tlsHandshakes = "tern_smtp_tls_handshakes_total"
        public static let authentications = "tern_smtp_auth_total"
        public static let recipientsAccepted = "tern_smtp_recipients_accepted_total"
        public static let recipientsRefused = "tern_smtp_recipients_refused_total"
        public static let messagesAccepted = "tern_smtp_messages_accepted_total"
        public static let deliveries = "tern_deliveries_total"
        public static let bounces = "tern_bounces_total"
        public static let queueEnvelopes = "tern_queue_envelopes"
        public static let queueInflight = "tern_queue_envelopes_inflight"
    }

    let sessions: Counter
    let sessionsRefused: Counter
    let sessionsActive: Meter
    let tlsHandshakes: Counter
    let authentications: [AuthenticationResult: Counter]
    let recipientsAccepted: Counter
    let recipientsRefused: Counter
    let messagesAccepted: Counter
    let deliveries: [DeliveryClass: [DeliveryResult: Counter]]
    let bounces: Counter
    let queueEnvelopes: Meter
    let queueInflight: Meter

    public init(factory: any MetricsFactory) {
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: name, dimensions: dimensions, factory: factory)
        }
        func meter(_ name: String) -> Meter { Meter(label: name, factory: factory) }
        sessions = counter(Name.sessions)
        sessionsRefused = counter(Name.sessionsRefused)
        sessionsActive = meter(Name.sessionsActive)
        tlsHandshakes = counter(Name.tlsHandshakes)
        var authentications: [AuthenticationResult: Counter] = [:]
        for result in AuthenticationResult.allCases {
            authentications[result] = counter(Name.authentications, [("result", result.rawValue)])
        }
        self.authentications = authentications
        recipientsAccepted = counter(Name.recipientsAccepted)
        recipientsRefused = counter(Name.recipientsRefused)
        messagesAccepted = counter(Name.messagesAccepted)
        var deliveries: [DeliveryClass: [DeliveryResult: Counter]] = [:]
        for deliveryClass in DeliveryClass.allCases {
            for result in DeliveryResult.allCases {
                deliveries[deliveryClass, default: [:]][result] = counter(
                    Name.deliveries, [("class", deliveryClass.rawValue), ("result", result.rawValue)])
            }
        }
        self.deliveries = deliveries
        bounces = counter(Name.bounces)
        queueEnvelopes = meter(Name.queueEnvelopes)
        queueInflight = meter(Name.queueInflight)
    }

    // MARK: Events (``TernMetrics`` says when each happens)

    func sessionAdmitted() { sessions.increment() }
    func sessionRefused() { sessionsRefused.increment() }
    func tlsHandshake() { tlsHandshakes.increment() }
    func authentication(_ result: AuthenticationResult) { authentications[result]?.increment() }
    func messageAccepted() { messagesAccepted.increment() }
    func bounceQueued() { bounces.increment() }

    func recipient(accepted: Bool) {
        (accepted ? recipientsAccepted : recipientsRefused).increment()
    }

    func deliveries(_ outcomes: [DeliveryOutcome], method: String) {
        let counters = deliveries[DeliveryClass(method: method)] ?? [:]
        for outcome in outcomes { counters[.init(outcome)]?.increment() }
    }

    func observe(activeSessions: Int, queue: SchedulerStats) {
        sessionsActive.set(activeSessions)
        queueEnvelopes.set(queue.envelopes)
        queueInflight.set(queue.inflight)
    }
}
