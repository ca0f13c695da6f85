import Prometheus
import Testing
@testable import Server

/// Tern's instruments, made by swift-prometheus's factory, come out of the registry in Prometheus's text format
/// under the documented names and labels, with the counts the events added.
@Suite("Metrics exposition")
struct MetricsExpositionTests {
    /// The exposition as `series → value` (`name{labels}` exactly as written), and the `# TYPE` lines.
    static func parse(_ text: String) -> (values: [String: Double], types: [String: String]) {
        var values: [String: Double] = [:]
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if line.hasPrefix("# TYPE "), words.count == 4 {
                types[String(words[2])] = String(words[3])
            } else if !line.hasPrefix("#"), words.count == 2 {
                values[String(words[0])] = Double(words[1])
            }
        }
        return (values, types)
    }

    @Test func everySeriesIsThereAtZeroBeforeAnyEvent() {
        let registry = PrometheusCollectorRegistry()
        _ = TernInstruments(factory: PrometheusMetricsFactory(registry: registry))
        let (values, types) = Self.parse(registry.emitToString())
        let expected: [String] = [
            "tern_smtp_sessions_total", "tern_smtp_sessions_refused_total", "tern_smtp_sessions_active",
            "tern_smtp_tls_handshakes_total", "tern_smtp_recipients_accepted_total",
            "tern_smtp_recipients_refused_total", "tern_smtp_messages_accepted_total", "tern_bounces_total",
            "tern_queue_envelopes", "tern_queue_envelopes_inflight",
            #"tern_smtp_auth_total{result="ok"}"#, #"tern_smtp_auth_total{result="permfail"}"#,
            #"tern_smtp_auth_total{result="tempfail"}"#,
        ] + ["mda", "mta"].flatMap { deliveryClass in
            ["ok", "tempfail", "permfail"].map { #"tern_deliveries_total{class="\#(deliveryClass)",result="\#($0)"}"# }
        }
        #expect(Set(values.keys) == Set(expected))
        #expect(values.values.allSatisfy { $0 == 0 })
        #expect(types["tern_smtp_sessions_total"] == "counter")
        #expect(types["tern_deliveries_total"] == "counter")
        #expect(types["tern_smtp_sessions_active"] == "gauge")
        #expect(types["tern_queue_envelopes"] == "gauge")
    }

    @Test func eventsAddExactlyTheirCounts() {
        let registry = PrometheusCollectorRegistry()
        let instruments = TernInstruments(factory: PrometheusMetricsFactory(registry: registry))
        instruments.sessionAdmitted()
        instruments.sessionAdmitted()
        instruments.sessionRefused()
        instruments.tlsHandshake()
        instruments.authentication(.permfail)
        instruments.authentication(.ok)
        instruments.recipient(accepted: true)
        instruments.recipient(accepted: false)
        instruments.recipient(accepted: false)
        instruments.messageAccepted()
        instruments.deliveries([.delivered("Delivered"), .temporaryFailure("busy"), .delivered("ok")], method: "maildir")
        instruments.deliveries([.permanentFailure("550 no")], method: "relay")
        instruments.bounceQueued()
        var stats = SchedulerStats()
        stats.envelopes = 7
        stats.inflight = 2
        instruments.observe(activeSessions: 3, queue: stats)

        let (values, _) = Self.parse(registry.emitToString())
        #expect(values["tern_smtp_sessions_total"] == 2)
        #expect(values["tern_smtp_sessions_refused_total"] == 1)
        #expect(values["tern_smtp_tls_handshakes_total"] == 1)
        #expect(values[#"tern_smtp_auth_total{result="permfail"}"#] == 1)
        #expect(values[#"tern_smtp_auth_total{result="ok"}"#] == 1)
        #expect(values[#"tern_smtp_auth_total{result="tempfail"}"#] == 0)
        #expect(values["tern_smtp_recipients_accepted_total"] == 1)
        #expect(values["tern_smtp_recipients_refused_total"] == 2)
        #expect(values["tern_smtp_messages_accepted_total"] == 1)
        #expect(values[#"tern_deliveries_total{class="mda",result="ok"}"#] == 2)
        #expect(values[#"tern_deliveries_total{class="mda",result="tempfail"}"#] == 1)
        #expect(values[#"tern_deliveries_total{class="mda",result="permfail"}"#] == 0)
        #expect(values[#"tern_deliveries_total{class="mta",result="permfail"}"#] == 1)
        #expect(values[#"tern_deliveries_total{class="mta",result="ok"}"#] == 0)
        #expect(values["tern_bounces_total"] == 1)
        #expect(values["tern_smtp_sessions_active"] == 3)
        #expect(values["tern_queue_envelopes"] == 7)
        #expect(values["tern_queue_envelopes_inflight"] == 2)
    }

    @Test(arguments: [
        ("127.0.0.1:9100", "127.0.0.1", 9100), ("[::1]:9100", "::1", 9100), ("localhost:0", "localhost", 0),
    ])
    func addressParses(text: String, host: String, port: Int) {
        #expect(MetricsAddress(text) == MetricsAddress(host: host, port: port))
        #expect(MetricsAddress(text)?.description == text)
    }

    @Test(arguments: ["9100", ":9100", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000", "::1:9100", "[]:1"])
    func badAddressIsRefused(text: String) {
        #expect(MetricsAddress(text) == nil)
    }

    @Test func onlyGetMetricsIsAScrape() {
        #expect(MetricsEndpoint.isScrape(method: "GET", uri: "/metrics"))
        #expect(MetricsEndpoint.isScrape(method: "GET", uri: "/metrics?name[]=x"))
        #expect(!MetricsEndpoint.isScrape(method: "GET", uri: "/"))
        #expect(!MetricsEndpoint.isScrape(method: "GET", uri: "/metrics/"))
        #expect(!MetricsEndpoint.isScrape(method: "POST", uri: "/metrics"))
    }
}
