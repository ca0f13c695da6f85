import Foundation
import PeerSupport
import Testing

/// `smtpd --metrics HOST:PORT` serves Prometheus metrics, and real sessions move the counters by exactly what
/// they did: a failed and a successful AUTH over STARTTLS, a refused recipient, deliveries and a bounce.
@Suite("Prometheus metrics", .ownQueue, .enabled(if: ExternalTool.available("swaks", "python3", "openssl")))
struct MetricsTests {
    /// Deliveries run as this user: `_vmail` (made by scripts/install-test-deps.sh) under root, else ourselves.
    static let mailUser = getuid() == 0 ? "_vmail" : NSUserName()

    /// GET the URL with urllib; prints the status, then either the series as JSON (`name{labels}` → value) or
    /// the body.
    static let scrapeScript = """
        import json, sys, urllib.request, urllib.error
        try:
            r = urllib.request.urlopen(sys.argv[1], timeout=10)
        except urllib.error.HTTPError as e:
            print(e.code); print(e.read().decode()); sys.exit(0)
        print(r.status); print(r.headers["Content-Type"])
        series = {}
        for line in r.read().decode().splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                series[name] = float(value)
        print(json.dumps(series))
        """

    static func scrape(_ port: Int) throws -> [String: Double] {
        let result = try ProcessRunner.python(scrapeScript, ["http://127.0.0.1:\(port)/metrics"])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0] == "200", lines[1] == "text/plain; version=0.0.4; charset=utf-8" else {
            Issue.record("scrape: \(result.output)\(result.error)")
            return [:]
        }
        return (try? JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Double]) ?? [:]
    }

    static func deliveries(_ deliveryClass: String, _ result: String) -> String {
        "tern_deliveries_total{class=\"\(deliveryClass)\",result=\"\(result)\"}"
    }

    static func authentications(_ result: String) -> String { "tern_smtp_auth_total{result=\"\(result)\"}" }

    @Test func countersMoveByExactlyWhatTheSessionsDid() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try TestCertificate.make(commonName: "mx.example.test", in: folder)
        let hash = try ProcessRunner.run(TernBinaries.smtpctl, ["encrypt", "secret"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let port = TernDaemon.freePort()
        let metricsPort = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: """
            pki mx.example.test cert "@DIR@/mx.crt"
            pki mx.example.test key "@DIR@/mx.key"
            table creds "@DIR@/creds"
            listen on 127.0.0.1 port \(port) tls pki mx.example.test auth-optional <creds> hostname mx.example.test
            action "maildir" maildir "@DIR@/mail/%{dest.user:lowercase}/Maildir" virtual { "@example.test" = "\(Self.mailUser)" }
            action "refuse" mda "/bin/false" virtual { "@perm.test" = "\(Self.mailUser)" }
            match from any for domain "example.test" action "maildir"
            match from any for domain "perm.test" action "refuse"
            """, files: ["mx.crt": certificate, "mx.key": key, "creds": "joe \(hash)\n"],
            extraArguments: ["--metrics", "127.0.0.1:\(metricsPort)"], mailOwner: Self.mailUser,
            waitForPorts: [port, metricsPort])
        defer { daemon.finish() }
        #expect(daemon.waitForLog("info: metrics on http://127.0.0.1:\(metricsPort)/metrics"))
        let before = try Self.scrape(metricsPort)
        #expect(before[Self.deliveries("mda", "ok")] == 0, "\(before)")

        let swaks = ExternalTool.path("swaks") ?? "swaks"
        let common = ["--server", "127.0.0.1:\(port)", "--tls", "--auth", "PLAIN", "--auth-user", "joe",
            "--from", "sender@example.test"]
        let wrong = try ProcessRunner.run(swaks, common + ["--auth-password", "wrong", "--to", "joe@example.test"])
        #expect(wrong.status != 0 && wrong.output.contains("535"), "\(wrong.output)")
        let right = try ProcessRunner.run(swaks, common + ["--auth-password", "secret",
            "--to", "joe@example.test,nobody@perm.test"])
        #expect(right.status == 0 && right.output.contains("Message accepted for delivery"), "\(right.output)")
        let refused = try ProcessRunner.python("""
            import smtplib, sys
            s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.example")
            s.ehlo(); s.mail("someone@outside.example"); print(s.rcpt("who@elsewhere.test")[0]); s.quit()
            """, ["\(port)"])
        #expect(refused.output == "550\n", "\(refused.output)\(refused.error)")

        // joe's copy and the bounce for nobody@perm.test are delivered, and every session has ended.
        var after: [String: Double] = [:]
        let settled = waitUntil(timeout: 30) {
            after = (try? Self.scrape(metricsPort)) ?? [:]
            return after[Self.deliveries("mda", "ok")] == 2 && after["tern_queue_envelopes"] == 0
                && after["tern_smtp_sessions_active"] == 0
        }
        #expect(settled, "\(after)\n\(daemon.log)")
        let expected: [String: Double] = [
            "tern_smtp_sessions_total": 3, "tern_smtp_sessions_refused_total": 0, "tern_smtp_tls_handshakes_total": 2,
            Self.authentications("ok"): 1, Self.authentications("permfail"): 1, Self.authentications("tempfail"): 0,
            "tern_smtp_recipients_accepted_total": 2, "tern_smtp_recipients_refused_total": 1,
            "tern_smtp_messages_accepted_total": 1,
            Self.deliveries("mda", "ok"): 2, Self.deliveries("mda", "permfail"): 1, Self.deliveries("mda", "tempfail"): 0,
            Self.deliveries("mta", "ok"): 0, Self.deliveries("mta", "permfail"): 0, Self.deliveries("mta", "tempfail"): 0,
            "tern_bounces_total": 1, "tern_queue_envelopes": 0, "tern_queue_envelopes_inflight": 0,
            "tern_smtp_sessions_active": 0,
        ]
        for (name, delta) in expected.sorted(by: { $0.key < $1.key }) {
            let change = (after[name] ?? .nan) - (before[name] ?? .nan)
            #expect(change == delta, "\(name): before \(before[name] ?? .nan), after \(after[name] ?? .nan)")
        }

        let other = try ProcessRunner.python(Self.scrapeScript, ["http://127.0.0.1:\(metricsPort)/"])
        #expect(other.output.hasPrefix("404\n"), "\(other.output)\(other.error)")
    }

    @Test func environmentVariableTurnsItOnAndABusyPortIsAStartError() throws {
        let configuration = """
            listen on 127.0.0.1 port @PORT@
            action "local" maildir "@DIR@/mail"
            match from any for local action "local"
            """
        let port = TernDaemon.freePort()
        let metricsPort = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: configuration.replacingOccurrences(of: "@PORT@", with: "\(port)"),
            extraArguments: ["--metrics", "127.0.0.1:\(metricsPort)"], waitForPorts: [port, metricsPort])
        defer { daemon.finish() }

        // A second daemon of its own (other port, queue and sockets) is pointed at the same metrics port by
        // TERN_METRICS alone: it must refuse to start and say why.
        let folder = daemon.folder.path
        let secondConfiguration = "\(folder)/second.conf"
        try configuration.replacingOccurrences(of: "@PORT@", with: "\(TernDaemon.freePort())")
            .replacingOccurrences(of: "@DIR@", with: folder).write(toFile: secondConfiguration, atomically: true, encoding: .utf8)
        let arguments = ["-d", "-f", secondConfiguration, "--queue-dir", "\(folder)/queue2", "--socket",
            "\(folder)/second.sock", "--control-socket", "\(folder)/second-control.sock", "--no-reverse-dns"]
            + (getuid() == 0 ? ["--user", "root"] : [])
        let second = try ProcessRunner.run(TernBinaries.smtpd, arguments,
            environment: ["TERN_METRICS": "127.0.0.1:\(metricsPort)"], timeout: 20)
        #expect(second.status == 1)
        #expect(second.error.contains("smtpd: metrics 127.0.0.1:\(metricsPort): cannot listen: Address already in use"),
            "\(second.error)")

        let malformed = try ProcessRunner.run(TernBinaries.smtpd, arguments, environment: ["TERN_METRICS": "9100"],
            timeout: 20)
        #expect(malformed.status == 1)
        #expect(malformed.error.contains("smtpd: --metrics wants HOST:PORT, got 9100"), "\(malformed.error)")
    }
}
