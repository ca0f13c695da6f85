import Foundation
import Logging
import NIOCore
import RuleEngine
import PeerSupport
import Testing
import Transport
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// The relay and LMTP agents against real peers on loopback (see ``RelayPeers``).
@Suite("Relay delivery with real peers", .serialized,
    .enabled(if: RelayPeers.available || RelayPeers.isRequired, "needs dnsmasq, python3-aiosmtpd and openssl"))
struct RelayAgentTests {
    static let logs = CapturedLogs()

    /// A temporary queued body, opened read-only as the scheduler hands it over.
    final class Body {
        let path: String
        let body: MessageBody

        init(_ text: String) throws {
            path = NSTemporaryDirectory() + "tern-body-" + UUID().uuidString
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let fd = open(path, O_RDONLY)
            body = MessageBody(messageID: MessageID(rawValue: 0x1234_5678)!, descriptor: fd, size: text.utf8.count)
        }

        deinit {
            close(body.descriptor)
            unlink(path)
        }
    }

    static let message = "From: alice@example.org\nSubject: relay test\n\n.leading dot\nbody\n"

    static func envelope(_ rcpt: String, target: String, action: String = "out", method: String = "relay",
        user: String? = nil, dsn: DSNFields = DSNFields()) -> QueuedEnvelope
    {
        let now = Int64(Date().timeIntervalSince1970)
        return QueuedEnvelope(
            id: EnvelopeID(rawValue: 0x1234_5678_0000_0000 | UInt64.random(in: 1...0xFFFF_FFFF)),
            sender: "alice@example.org", rcpt: rcpt, dest: rcpt, action: action, method: method, target: target,
            user: user, created: now, expire: now + 3600, dsn: dsn)
    }

    static func agent(dns: TestDNS, port: Int, action: OutboundAction = OutboundAction()) -> RelayAgent {
        let settings = OutboundSettings(hostname: "tern.test", actions: ["out": action])
        return RelayAgent(
            settings: { settings }, resolver: DNSResolver(nameServer: DNSNameServer(host: "127.0.0.1", port: dns.port)),
            mxPort: port, logger: logs.logger, connectTimeout: .seconds(5), replyTimeout: .seconds(10))
    }

    // MARK: - MX routing

    @Test func deliversToTheBestMXWithCRLFAndDotStuffing() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let port = RelayPeers.freePort(on: "127.0.0.2")
        let best = try TestSink(.init(host: "127.0.0.2", port: port))
        let worse = try TestSink(.init(host: "127.0.0.3", port: port))
        let dns = try TestDNS([
            "--host-record=mx1.relay.test,127.0.0.2", "--host-record=mx2.relay.test,127.0.0.3",
            "--mx-host=relay.test,mx2.relay.test,20", "--mx-host=relay.test,mx1.relay.test,10",
        ])
        let agent = Self.agent(dns: dns, port: port)
        let body = try Body(Self.message)
        let outcomes = await agent.deliver(
            [Self.envelope("bob@relay.test", target: "mx:relay.test"), Self.envelope("carol@relay.test", target: "mx:relay.test")],
            body: body.body)
        #expect(outcomes == [.delivered("250 2.0.0 Ok: queued"), .delivered("250 2.0.0 Ok: queued")])
        let received = try best.messages()
        #expect(received.count == 1)
        #expect(received.first?.rcpt_tos == ["bob@relay.test", "carol@relay.test"])
        #expect(received.first?.mail_from == "alice@example.org")
        // aiosmtpd hands over the content with CRLF and the stuffing removed again: the original, in CRLF.
        #expect(received.first?.data == Self.message.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(try worse.messages().isEmpty)
        #expect(Self.logs.lines.contains {
            $0.contains(" mta delivery evpid=") && $0.contains("from=<alice@example.org> to=<bob@relay.test> rcpt=<bob@relay.test>")
                && $0.contains("relay=\"mx1.relay.test [127.0.0.2]\"") && $0.contains("result=\"Ok\" stat=\"250 2.0.0 Ok: queued\"")
        })
        await agent.shutdown()
    }

    @Test func fallsBackToTheNextMXWhenOneIsDown() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let port = RelayPeers.freePort(on: "127.0.0.3")
        let backup = try TestSink(.init(host: "127.0.0.3", port: port))
        let dns = try TestDNS([
            "--host-record=down.relay.test,127.0.0.4", "--host-record=up.relay.test,127.0.0.3",
            "--mx-host=relay.test,down.relay.test,10", "--mx-host=relay.test,up.relay.test,20",
        ])
        let agent = Self.agent(dns: dns, port: port)
        let body = try Body(Self.message)
        let outcomes = await agent.deliver([Self.envelope("bob@relay.test", target: "mx:relay.test")], body: body.body)
        #expect(outcomes == [.delivered("250 2.0.0 Ok: queued")])
        #expect(try backup.messages().count == 1)
        await agent.shutdown()
    }

    @Test func implicitMXIsTheDomainItself() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let port = RelayPeers.freePort(on: "127.0.0.5")
        let sink = try TestSink(.init(host: "127.0.0.5", port: port))
        let dns = try TestDNS(["--host-record=implicit.test,127.0.0.5"])
        let agent = Self.agent(dns: dns, port: port)
        let body = try Body(Self.message)
        let outcomes = await agent.deliver([Self.envelope("bob@implicit.test", target: "mx:implicit.test")], body: body.body)
        #expect(outcomes == [.delivered("250 2.0.0 Ok: queued")])
        #expect(try sink.messages().count == 1)
    }

    @Test func nullMXAndMissingDomainsBounce() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let dns = try TestDNS(["--dns-rr=nullmx.test,15,000000"])
        let agent = Self.agent(dns: dns, port: 2525)
        let body = try Body(Self.message)
        let nullMX = await agent.deliver([Self.envelope("bob@nullmx.test", target: "mx:nullmx.test")], body: body.body)
        #expect(nullMX == [.permanentFailure("Domain does not accept mail")])
        let missing = await agent.deliver([Self.envelope("bob@nosuch.test", target: "mx:nosuch.test")], body: body.body)
        #expect(missing == [.permanentFailure("Domain does not exist")])
    }

    @Test func dnsDownIsTemporary() async throws {
        let agent = RelayAgent(
            settings: { OutboundSettings(hostname: "tern.test", actions: ["out": OutboundAction()]) },
            resolver: DNSResolver(nameServer: DNSNameServer(host: "127.0.0.1", port: RelayPeers.freePort())),
            mxPort: 2525, logger: Self.logs.logger)
        let body = try Body(Self.message)
        let outcomes = await agent.deliver([Self.envelope("bob@relay.test", target: "mx:relay.test")], body: body.body)
        #expect(outcomes == [.temporaryFailure("Temporary failure in MX lookup")])
    }

    @Test func backupMXOnlyTriesBetterMXes() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let port = RelayPeers.freePort(on: "127.0.0.2")
        let primary = try TestSink(.init(host: "127.0.0.2", port: port))
        let dns = try TestDNS([
            "--host-record=primary.relay.test,127.0.0.2", "--host-record=tern.test,127.0.0.3",
            "--mx-host=relay.test,primary.relay.test,10", "--mx-host=relay.test,tern.test,20",
            "--mx-host=other.test,tern.test,10",
        ])
        let agent = Self.agent(dns: dns, port: port, action: OutboundAction(backup: true))
        let body = try Body(Self.message)
        #expect(await agent.deliver([Self.envelope("bob@relay.test", target: "mx:relay.test")], body: body.body)
            == [.delivered("250 2.0.0 Ok: queued")])
        #expect(try primary.messages().count == 1)
        // We are the best MX of other.test: as its backup there is nobody to pass the message to.
        #expect(await agent.deliver([Self.envelope("bob@other.test", target: "mx:other.test")], body: body.body)
            == [.temporaryFailure("No MX found for destination")])
    }

    // MARK: - Replies

    @Test func repliesDecidePerRecipientAndRetrySucceedsOnceThePeerIsBack() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let port = RelayPeers.freePort(on: "127.0.0.2")
        let dns = try TestDNS(["--host-record=mx.relay.test,127.0.0.2", "--mx-host=relay.test,mx.relay.test,10"])
        let agent = Self.agent(dns: dns, port: port)
        let body = try Body(Self.message)
        let envelopes = [
            Self.envelope("bob@relay.test", target: "mx:relay.test"),
            Self.envelope("busy@relay.test", target: "mx:relay.test"),
            Self.envelope("nobody@relay.test", target: "mx:relay.test"),
        ]
        // Nobody listens yet: every recipient waits for a retry.
        let first = await agent.deliver(envelopes, body: body.body)
        #expect(first.allSatisfy { if case .temporaryFailure = $0 { true } else { false } })

        let sink = try TestSink(.init(host: "127.0.0.2", port: port, rejectRecipients: [
            "busy@relay.test": "451 4.3.0 Try again later", "nobody@relay.test": "550 5.1.1 No such user",
        ]))
        let second = await agent.deliver(envelopes, body: body.body)
        #expect(second == [
            .delivered("250 2.0.0 Ok: queued"), .temporaryFailure("451 4.3.0 Try again later"),
            .permanentFailure("550 5.1.1 No such user"),
        ])
        #expect(try sink.messages().map(\.rcpt_tos) == [["bob@relay.test"]])
        await agent.shutdown()
    }

    @Test func aResetInTheMiddleOfTheMessageIsRetriedAndDeliveredOnce() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let port = RelayPeers.freePort(on: "127.0.0.2")
        let sink = try TestSink(.init(host: "127.0.0.2", port: port, resetFirstTransfer: true))
        let dns = try TestDNS(["--host-record=mx.relay.test,127.0.0.2", "--mx-host=relay.test,mx.relay.test,10"])
        let agent = Self.agent(dns: dns, port: port)
        // Large enough that the receiver resets the connection while the body is still on its way.
        let text = "From: alice@example.org\nSubject: reset\n\n"
            + (0..<4000).map { "line \($0) of a message cut off by a reset\n" }.joined()
        let body = try Body(text)
        let envelope = Self.envelope("bob@relay.test", target: "mx:relay.test")

        let first = await agent.deliver([envelope], body: body.body)
        guard case .temporaryFailure(let reason)? = first.first else {
            Issue.record("a reset must leave the message for a retry, not \(first)")
            return
        }
        #expect(!reason.contains("errno"), "the status names the error, not NIO's system call: \(reason)")
        #expect(sink.resets == 1)
        #expect(try sink.messages().isEmpty)

        let retry = await agent.deliver([envelope], body: body.body)
        #expect(retry == [.delivered("250 2.0.0 Ok: queued")])
        let received = try sink.messages()
        #expect(received.count == 1)
        #expect(received.first?.data == text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(sink.connections == 2)
        await agent.shutdown()
    }

    @Test func reusesTheSessionForTheNextMessage() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let port = RelayPeers.freePort(on: "127.0.0.2")
        let sink = try TestSink(.init(host: "127.0.0.2", port: port))
        let dns = try TestDNS(["--host-record=mx.relay.test,127.0.0.2", "--mx-host=relay.test,mx.relay.test,10"])
        let agent = Self.agent(dns: dns, port: port)
        let body = try Body(Self.message)
        for rcpt in ["a@relay.test", "b@relay.test", "c@relay.test"] {
            #expect(await agent.deliver([Self.envelope(rcpt, target: "mx:relay.test")], body: body.body)
                == [.delivered("250 2.0.0 Ok: queued")])
        }
        #expect(try sink.messages().count == 3)
        #expect(sink.connections == 1)
        await agent.shutdown()
    }

    // MARK: - Smarthost

    @Test func smarthostWithAuthOverVerifiedSTARTTLS() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let folder = NSTemporaryDirectory() + "tern-pki-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(RelayPeers.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
            "-days", "2", "-subj", "/CN=smart.test", "-addext", "subjectAltName=DNS:smart.test",
        ]) == 0)
        let sink = try TestSink(.init(host: "127.0.0.6", certificate: folder + "/cert.pem", key: folder + "/key.pem",
            authUser: "relayuser", authPassword: "s3cret"))
        let dns = try TestDNS(["--host-record=smart.test,127.0.0.6"])
        let credentials = StaticCredentials(entries: ["mylabel": "relayuser:s3cret"])
        let action = OutboundAction(authTable: credentials, caFile: folder + "/cert.pem")
        let agent = Self.agent(dns: dns, port: 25, action: action)
        let body = try Body(Self.message)
        let target = "smarthost:smtp+tls://mylabel@smart.test:\(sink.port)"
        let outcomes = await agent.deliver([Self.envelope("bob@far.example", target: target)], body: body.body)
        #expect(outcomes == [.delivered("250 2.0.0 Ok: queued")])
        let received = try sink.messages()
        #expect(received.first?.secure == true)
        #expect(received.first?.authenticated == "relayuser")

        // A wrong password: AUTH is refused, the message waits.
        let wrong = OutboundAction(authTable: StaticCredentials(entries: ["mylabel": "relayuser:nope"]), caFile: folder + "/cert.pem")
        let refused = await Self.agent(dns: dns, port: 25, action: wrong)
            .deliver([Self.envelope("bob@far.example", target: target)], body: body.body)
        guard case .temporaryFailure(let text)? = refused.first else { Issue.record("\(refused)"); return }
        #expect(text.contains("Authentication failed"))

        // The certificate does not chain to the system's roots: with verification and no `ca`, TLS fails.
        let unverified = await Self.agent(dns: dns, port: 25, action: OutboundAction(authTable: credentials))
            .deliver([Self.envelope("bob@far.example", target: target)], body: body.body)
        guard case .temporaryFailure? = unverified.first else { Issue.record("\(unverified)"); return }
        await agent.shutdown()
    }

    // MARK: - LMTP

    @Test func lmtpGivesOneOutcomePerRecipientAndReusesTheSession() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let sink = try TestSink(.init(lmtp: true,
            rejectRecipients: ["ghost": "550 5.1.1 unknown user"], lmtpResults: ["carol": "452 4.2.2 Mailbox full"]))
        let settings = OutboundSettings(hostname: "tern.test", actions: ["lmtp_out": OutboundAction()])
        let agent = LMTPAgent(settings: { settings }, resolver: DNSResolver(), logger: Self.logs.logger)
        let body = try Body(Self.message)
        let target = "127.0.0.1:\(sink.port)"
        let envelopes = ["bob", "ghost", "carol"].map { (name: String) in
            Self.envelope(name + "@example.org", target: target, action: "lmtp_out", method: "lmtp", user: name)
        }
        let outcomes = await agent.deliver(envelopes, body: body.body)
        #expect(outcomes == [
            .delivered("250 2.0.0 Ok bob"), .permanentFailure("550 5.1.1 unknown user"),
            .temporaryFailure("452 4.2.2 Mailbox full"),
        ])
        #expect(try sink.messages().first?.rcpt_tos == ["bob", "carol"])
        #expect(await agent.deliver([envelopes[0]], body: body.body) == [.delivered("250 2.0.0 Ok bob")])
        #expect(sink.connections == 1)

        // `rcpt-to`: the address after expansion instead of the user name.
        let rcptTo = OutboundSettings(hostname: "tern.test", actions: ["lmtp_out": OutboundAction(lmtpRcptTo: true)])
        let second = LMTPAgent(settings: { rcptTo }, resolver: DNSResolver(), logger: Self.logs.logger)
        let viaRcptTo = await second.deliver([envelopes[0]], body: body.body)
        #expect(viaRcptTo == [.delivered("250 2.0.0 Ok bob@example.org")])
        await agent.shutdown()
        await second.shutdown()
    }
}

/// An `auth <T>` table in memory: label → `user:password`.
struct StaticCredentials: LookupTable {
    var name = "credentials"
    var entries: [String: String]

    func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String? { entries[key] }
    func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool { entries[key] != nil }
    func fetchAll(_ service: TableService) throws(TableLookupError) -> [String] { Array(entries.values) }
}

/// Keeps what the agents log, to check OpenSMTPD's line formats.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }

    var logger: Logger {
        Logger(label: "relay-test") { _ in CapturingHandler(sink: self) }
    }

    func append(_ line: String) { lock.withLock { stored.append(line) } }

    struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
            file: String, function: String, line: UInt)
        {
            sink.append(message.description)
        }
    }
}
