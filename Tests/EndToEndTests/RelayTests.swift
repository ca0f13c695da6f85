import Foundation
import PeerSupport
import Testing

/// The seed's `action "sendthismail" relay`, through the real daemon: MX records from a test DNS server
/// (dnsmasq on loopback), receiving servers (aiosmtpd) on other loopback addresses.
@Suite("smtpd relays to the world", .ownQueue, .serialized,
    .enabled(if: (RelayPeers.available || RelayPeers.isRequired) && ExternalTool.available("swaks") && ExternalTool.isRoot))
struct RelayTests {
    /// outside.example: MX 10 → 127.0.0.6, MX 20 → 127.0.0.7. nullmx.example: a null MX.
    static func dns() throws -> TestDNS {
        try TestDNS([
            "--mx-host=outside.example,mx1.outside.example,10", "--mx-host=outside.example,mx2.outside.example,20",
            "--host-record=mx1.outside.example,127.0.0.6", "--host-record=mx2.outside.example,127.0.0.7",
            "--mx-host=nullmx.example,,0",
        ])
    }

    static func submit(_ server: SeedServer, to recipient: String, body: String = "line one\n.line with a dot\n") throws
        -> ProcessResult
    {
        try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
            "--server", "127.0.0.1:\(server.submissionPort)", "--tls", "--auth", "PLAIN",
            "--auth-user", "batman@athome.tld", "--auth-password", "batman-secret",
            "--from", "batman@athome.tld", "--to", recipient, "--header", "Subject: to the world",
            "--body", body,
        ])
    }

    @Test func batmansMailReachesTheBestMXWithItsBodyIntact() throws {
        let dns = try Self.dns()
        defer { dns.stop() }
        let best = try TestSink(.init(host: "127.0.0.6"))
        defer { best.stop() }
        let backup = try TestSink(.init(host: "127.0.0.7", port: best.port))
        defer { backup.stop() }
        let server = try SeedServer(pausing: [], dnsServer: "127.0.0.1:\(dns.port)", mxPort: best.port)
        defer { server.daemon.finish() }
        #expect(try Self.submit(server, to: "alfred@outside.example").status == 0)
        #expect(server.daemon.waitForLog("mta delivery"), "\(server.daemon.log)")
        #expect(waitUntil { (try? best.messages().count) == 1 })
        let message = try #require(try best.messages().first)
        #expect(message.mail_from == "batman@athome.tld")
        #expect(message.rcpt_tos == ["alfred@outside.example"])
        #expect(message.data.contains("Subject: to the world"))
        #expect(message.data.contains("line one\r\n.line with a dot\r\n") || message.data.contains("line one\n.line with a dot\n"),
            "dot-stuffing undone by the receiver: \(message.data)")
        #expect(message.data.hasPrefix("Received: from "))
        #expect(try backup.messages().isEmpty)
        #expect(server.daemon.log.contains("result=\"Ok\""), "\(server.daemon.log)")
        #expect(waitUntil { QueueInspection(queueDirectory: server.daemon.queueDirectory).messageIDs.isEmpty })
    }

    @Test func aDownMXIsSkippedForTheNextOne() throws {
        let dns = try Self.dns()
        defer { dns.stop() }
        let backup = try TestSink(.init(host: "127.0.0.7"))
        defer { backup.stop() }
        // Nothing listens on 127.0.0.6 at that port.
        let server = try SeedServer(pausing: [], dnsServer: "127.0.0.1:\(dns.port)", mxPort: backup.port)
        defer { server.daemon.finish() }
        #expect(try Self.submit(server, to: "alfred@outside.example").status == 0)
        #expect(waitUntil(timeout: 30) { (try? backup.messages().count) == 1 }, "\(server.daemon.log)")
    }

    @Test func aTemporaryRefusalIsRetriedUntilTheDestinationTakesIt() throws {
        let dns = try Self.dns()
        defer { dns.stop() }
        var sink = try TestSink(.init(host: "127.0.0.6", rejectRecipients: ["alfred@outside.example": "451 4.3.0 Try later"]))
        let port = sink.port
        let backup = try TestSink(.init(host: "127.0.0.7", port: port, rejectRecipients: ["alfred@outside.example": "451 4.3.0 Try later"]))
        defer { backup.stop() }
        let server = try SeedServer(pausing: [], dnsServer: "127.0.0.1:\(dns.port)", mxPort: port)
        defer { server.daemon.finish() }
        #expect(try Self.submit(server, to: "alfred@outside.example").status == 0)
        #expect(server.daemon.waitForLog("result=\"TempFail\""), "\(server.daemon.log)")
        // The log line comes before the envelope's new state is on disk; wait for the queue to show it.
        var queued = ""
        #expect(waitUntil {
            queued = (try? server.daemon.smtpctl(["show", "queue"]).output) ?? ""
            return queued.contains("|alfred@outside.example|") && queued.contains("451")
        }, "\(queued)")
        sink.stop()
        sink = try TestSink(.init(host: "127.0.0.6", port: port))
        defer { sink.stop() }
        #expect(try server.daemon.smtpctl(["schedule", "all"]).output == "1 envelope scheduled\n")
        #expect(waitUntil(timeout: 30) { (try? sink.messages().count) == 1 }, "\(server.daemon.log)")
        #expect(waitUntil { QueueInspection(queueDirectory: server.daemon.queueDirectory).messageIDs.isEmpty })
    }

    /// `smtpctl show queue` until `condition` holds for its output.
    static func waitForQueue(_ server: SeedServer, _ condition: (String) -> Bool) -> (Bool, String) {
        var queued = ""
        let seen = waitUntil(timeout: 30) {
            queued = (try? server.daemon.smtpctl(["show", "queue"]).output) ?? ""
            return condition(queued)
        }
        return (seen, queued)
    }

    static var batmansNewMail: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/var/vmail/athome.tld/batman/Maildir/new")) ?? []
    }

    @Test func aConnectionResetInTheMiddleOfTheMessageIsRetriedAndDeliveredOnce() throws {
        try SeedMaildirs.exclusively {
            let dns = try Self.dns()
            defer { dns.stop() }
            // The best MX resets its first connection after 354 and part of the message; nothing listens at the
            // second MX, so the first attempt ends with a temporary failure.
            let sink = try TestSink(.init(host: "127.0.0.6", resetFirstTransfer: true))
            defer { sink.stop() }
            try? FileManager.default.removeItem(atPath: "/var/vmail/athome.tld/batman")
            defer { try? FileManager.default.removeItem(atPath: "/var/vmail/athome.tld/batman") }
            let server = try SeedServer(pausing: [], dnsServer: "127.0.0.1:\(dns.port)", mxPort: sink.port)
            defer { server.daemon.finish() }
            let body = (0..<2000).map { "line \($0) of a message the receiver cuts off\n" }.joined()
            #expect(try Self.submit(server, to: "alfred@outside.example", body: body).status == 0)
            #expect(waitUntil(timeout: 30) { sink.resets == 1 }, "\(server.daemon.log)")
            // One try made (retries 1), waiting for the next.
            let (waiting, queued) = Self.waitForQueue(server) {
                $0.contains("|alfred@outside.example|") && $0.contains("|1|pending|")
            }
            #expect(waiting, "the envelope must wait for a retry: \(queued)\n\(server.daemon.log)")
            #expect(server.daemon.log.split(separator: "\n").contains {
                $0.contains(" mta delivery ") && $0.contains("to=<alfred@outside.example>") && $0.contains("result=\"TempFail\"")
            }, "\(server.daemon.log)")
            #expect(try sink.messages().isEmpty)
            #expect(Self.batmansNewMail.isEmpty, "a reset is no reason to bounce")

            #expect(try server.daemon.smtpctl(["schedule", "all"]).output == "1 envelope scheduled\n")
            #expect(waitUntil(timeout: 30) { (try? sink.messages().count) == 1 }, "\(server.daemon.log)")
            #expect(waitUntil { QueueInspection(queueDirectory: server.daemon.queueDirectory).messageIDs.isEmpty })
            let received = try sink.messages()
            #expect(received.count == 1)
            #expect(received.first?.data.contains("line 1999 of a message the receiver cuts off") == true)
            #expect(sink.resets == 1)
            #expect(Self.batmansNewMail.isEmpty)
        }
    }

    @Test func withTheDNSServerDownRelayedMailIsDeferredNotBounced() throws {
        try SeedMaildirs.exclusively {
            let dns = try Self.dns()
            let port = dns.port
            dns.stop()
            let sink = try TestSink(.init(host: "127.0.0.6"))
            defer { sink.stop() }
            try? FileManager.default.removeItem(atPath: "/var/vmail/athome.tld/batman")
            defer { try? FileManager.default.removeItem(atPath: "/var/vmail/athome.tld/batman") }
            let server = try SeedServer(pausing: [], dnsServer: "127.0.0.1:\(port)", mxPort: sink.port)
            defer { server.daemon.finish() }
            #expect(try Self.submit(server, to: "alfred@outside.example").status == 0)
            let (deferred, queued) = Self.waitForQueue(server) {
                $0.contains("|alfred@outside.example|") && $0.contains("Temporary failure in MX lookup")
            }
            #expect(deferred, "\(queued)\n\(server.daemon.log)")
            // Deferred, not bounced: the envelope stays, nothing comes back to batman, nothing reached the sink.
            usleep(500_000)
            #expect(QueueInspection(queueDirectory: server.daemon.queueDirectory).messageIDs.count == 1)
            #expect(Self.batmansNewMail.isEmpty, "\(server.daemon.log)")
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func permanentFailuresBounceToTheSender() throws {
        try SeedMaildirs.exclusively {
            let dns = try Self.dns()
            defer { dns.stop() }
            let sink = try TestSink(.init(host: "127.0.0.6", rejectRecipients: ["nobody@outside.example": "550 5.1.1 No such user"]))
            defer { sink.stop() }
            try? FileManager.default.removeItem(atPath: "/var/vmail/athome.tld/batman")
            defer { try? FileManager.default.removeItem(atPath: "/var/vmail/athome.tld/batman") }
            let server = try SeedServer(pausing: [], dnsServer: "127.0.0.1:\(dns.port)", mxPort: sink.port)
            defer { server.daemon.finish() }
            #expect(try Self.submit(server, to: "nobody@outside.example").status == 0)
            #expect(try Self.submit(server, to: "someone@nullmx.example").status == 0)
            // Both come back to batman's maildir as delivery status notifications.
            #expect(waitUntil(timeout: 30) {
                ((try? FileManager.default.contentsOfDirectory(atPath: "/var/vmail/athome.tld/batman/Maildir/new")) ?? []).count == 2
            }, "\(server.daemon.log)")
            let reports = try FileManager.default.contentsOfDirectory(atPath: "/var/vmail/athome.tld/batman/Maildir/new")
                .map { try String(contentsOfFile: "/var/vmail/athome.tld/batman/Maildir/new/" + $0, encoding: .utf8) }
            #expect(reports.contains { $0.contains("550 5.1.1 No such user") && $0.contains("Action: failed") })
            #expect(reports.contains { $0.contains("someone@nullmx.example") && $0.contains("Action: failed") })
        }
    }
}
