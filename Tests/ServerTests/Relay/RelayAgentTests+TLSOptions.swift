import Foundation
import NIOCore
import PeerSupport
import RuleEngine
import Testing
import Transport
@testable import Server

/// A relay action's `helo-src`, `pki`, `ciphers` and `protocols` against aiosmtpd receivers (see ``RelayPeers``).
extension RelayAgentTests {
    /// A folder of throwaway PEM files, removed when the test ends.
    final class PEMFolder {
        let path = NSTemporaryDirectory() + "tern-relaytls-" + UUID().uuidString

        init() throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        /// A self-signed RSA certificate for `name` (CN and DNS SAN): `NAME.pem` and `NAME.key`.
        func make(_ name: String) throws -> (certificate: String, key: String) {
            let files = (certificate: path + "/\(name).pem", key: path + "/\(name).key")
            let status = RelayPeers.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", files.key, "-out", files.certificate,
                "-days", "2", "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)",
            ])
            guard status == 0 else { throw OpenSSLFailed(name: name) }
            return files
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        struct OpenSSLFailed: Error {
            var name: String
        }
    }

    /// The options as the daemon builds them: from smtpd.conf text, through ConfParser and the table set.
    static func outboundSettings(_ conf: String, in folder: PEMFolder) throws -> OutboundSettings {
        let path = folder.path + "/smtpd.conf"
        try Data(conf.utf8).write(to: URL(fileURLWithPath: path))
        return try RunningConfiguration.load(path: path).outbound
    }

    static func isTemporary(_ outcomes: [DeliveryOutcome]) -> Bool {
        outcomes.count == 1 && { if case .temporaryFailure = outcomes[0] { true } else { false } }()
    }

    @Test func pkiPresentsTheClientCertificateAndHeloSrcNamesTheSource() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let folder = try PEMFolder()
        let server = try folder.make("smart.test")
        let client = try folder.make("relay.tern.test")
        // The receiver takes only sessions whose client certificate chains to relay.tern.test's.
        let sink = try TestSink(.init(host: "127.0.0.6", certificate: server.certificate, key: server.key,
            clientCA: client.certificate))
        let dns = try TestDNS(["--host-record=smart.test,127.0.0.6"])
        let settings = try Self.outboundSettings("""
            pki relay.tern.test cert "\(client.certificate)"
            pki relay.tern.test key "\(client.key)"
            ca smart cert "\(server.certificate)"
            table sources { 127.0.0.9 }
            table helos { 127.0.0.9 = nine.tern.test, 127.0.0.10 = ten.tern.test }
            action "out" relay pki relay.tern.test ca smart src <sources> helo-src <helos> helo plain.tern.test
            action "nocert" relay ca smart src <sources> helo plain.tern.test
            action "nohelo" relay pki relay.tern.test ca smart src { 127.0.0.11 } helo-src <helos>
            action "nosrc" relay pki relay.tern.test ca smart helo-src <helos> helo plain.tern.test
            match from any for any action "out"

            """, in: folder)
        let target = "smarthost:smtp+tls://smart.test:\(sink.port)"
        let agent = RelayAgent(
            settings: { settings }, resolver: DNSResolver(nameServer: DNSNameServer(host: "127.0.0.1", port: dns.port)),
            logger: Self.logs.logger, connectTimeout: .seconds(5), replyTimeout: .seconds(10))
        let body = try Body(Self.message)

        let delivered = await agent.deliver([Self.envelope("bob@far.example", target: target)], body: body.body)
        #expect(delivered == [.delivered("250 2.0.0 Ok: queued")])
        let first = try sink.messages().first
        #expect(first?.secure == true)
        #expect(first?.client_cn == "relay.tern.test")
        #expect(first?.helo == "nine.tern.test")

        // Without `pki` the receiver refuses the handshake: the message waits, nothing is bounced.
        let refused = await agent.deliver([Self.envelope("bob@far.example", target: target, action: "nocert")],
            body: body.body)
        #expect(Self.isTemporary(refused), "\(refused)")
        #expect(try sink.messages().count == 1)

        // The source address has no name in the helo-src table: no session is made from it.
        let unnamed = await agent.deliver([Self.envelope("bob@far.example", target: target, action: "nohelo")],
            body: body.body)
        #expect(unnamed == [.temporaryFailure("Failed to retrieve helo string")])
        #expect(Self.logs.lines.contains {
            $0.hasPrefix("smtp-out: Error on 127.0.0.11 <-> 127.0.0.6 (smart.test): Failed to retrieve helo string")
        })

        // No `src`: OpenSMTPD asks the helo-src table only for a source it chose, so `helo` is used.
        let noSource = await agent.deliver([Self.envelope("bob@far.example", target: target, action: "nosrc")],
            body: body.body)
        #expect(noSource == [.delivered("250 2.0.0 Ok: queued")])
        #expect(try sink.messages().last?.helo == "plain.tern.test")
        await agent.shutdown()
    }

    @Test func smtpsPresentsTheClientCertificateToo() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let folder = try PEMFolder()
        let server = try folder.make("smart.test")
        let client = try folder.make("relay.tern.test")
        let sink = try TestSink(.init(host: "127.0.0.8", certificate: server.certificate, key: server.key,
            clientCA: client.certificate, implicitTLS: true))
        let dns = try TestDNS(["--host-record=smart.test,127.0.0.8"])
        let target = "smarthost:smtps://smart.test:\(sink.port)"
        let body = try Body(Self.message)
        let certificate = TLSPKI(name: "relay.tern.test", certificateFile: client.certificate, keyFile: client.key)

        let withPKI = Self.agent(dns: dns, port: 25,
            action: OutboundAction(caFile: server.certificate, clientCertificate: certificate))
        #expect(await withPKI.deliver([Self.envelope("bob@far.example", target: target)], body: body.body)
            == [.delivered("250 2.0.0 Ok: queued")])
        #expect(try sink.messages().first?.client_cn == "relay.tern.test")
        #expect(try sink.messages().first?.secure == true)
        await withPKI.shutdown()

        let withoutPKI = Self.agent(dns: dns, port: 25, action: OutboundAction(caFile: server.certificate))
        let refused = await withoutPKI.deliver([Self.envelope("bob@far.example", target: target)], body: body.body)
        #expect(Self.isTemporary(refused), "\(refused)")
        #expect(try sink.messages().count == 1)
        await withoutPKI.shutdown()
    }

    @Test func anUndeclaredPKIDefersEveryDelivery() async throws {
        let agent = RelayAgent(
            settings: { OutboundSettings(hostname: "tern.test", actions: ["out": OutboundAction(pki: "nope")]) },
            resolver: DNSResolver(nameServer: DNSNameServer(host: "127.0.0.1", port: RelayPeers.freePort())),
            mxPort: 2525, logger: Self.logs.logger)
        let body = try Body(Self.message)
        let outcomes = await agent.deliver([Self.envelope("bob@relay.test", target: "mx:relay.test")], body: body.body)
        #expect(outcomes == [.temporaryFailure("client pki \"nope\" not found")])
    }

    @Test func protocolsAndCiphersShapeTheHandshake() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let folder = try PEMFolder()
        let server = try folder.make("smart.test")
        // A receiver that speaks TLS 1.2 at most, with its RSA certificate.
        let sink = try TestSink(.init(host: "127.0.0.7", certificate: server.certificate, key: server.key,
            maximumTLS: "1.2"))
        let dns = try TestDNS(["--host-record=smart.test,127.0.0.7"])
        let target = "smarthost:smtp+tls://smart.test:\(sink.port)"
        let body = try Body(Self.message)
        func deliver(ciphers: String? = nil, protocols: String?) async -> [DeliveryOutcome] {
            let action = OutboundAction(caFile: server.certificate, ciphers: ciphers, protocols: protocols)
            let agent = Self.agent(dns: dns, port: 25, action: action)
            let outcomes = await agent.deliver([Self.envelope("bob@far.example", target: target)], body: body.body)
            await agent.shutdown()
            return outcomes
        }

        let thirteen = await deliver(protocols: "tlsv1.3")
        #expect(Self.isTemporary(thirteen), "\(thirteen)")
        #expect(try sink.messages().isEmpty)

        #expect(await deliver(protocols: "tlsv1.2") == [.delivered("250 2.0.0 Ok: queued")])
        #expect(try sink.messages().count == 1)

        // TLS 1.2 with only ECDSA suites: nothing in common with an RSA certificate.
        let ecdsaOnly = await deliver(ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256", protocols: "secure")
        #expect(Self.isTemporary(ecdsaOnly), "\(ecdsaOnly)")
        #expect(await deliver(ciphers: "ECDHE-RSA-AES256-GCM-SHA384", protocols: "secure")
            == [.delivered("250 2.0.0 Ok: queued")])
        #expect(try sink.messages().count == 2)

        // A protocols value libtls refuses: the context cannot be built, the message waits.
        let unknown = await deliver(protocols: "sslv3")
        #expect(Self.isTemporary(unknown), "\(unknown)")
    }
}
