import Foundation
import NIOCore
import Testing
import Transport
@testable import Server

/// A relay action's TLS and EHLO options as the daemon reads them from smtpd.conf.
@Suite("Outbound settings from smtpd.conf")
struct OutboundSettingsTests {
    private func settings(_ conf: String) throws -> OutboundSettings {
        let folder = NSTemporaryDirectory() + "tern-outbound-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(conf.utf8).write(to: URL(fileURLWithPath: folder + "/smtpd.conf"))
        return try RunningConfiguration.load(path: folder + "/smtpd.conf").outbound
    }

    @Test func ciphersFallBackToSMTPCiphersAndProtocolsDoNot() throws {
        let outbound = try settings("""
            smtp ciphers "HIGH:!aNULL"
            action "plain" relay
            action "own" relay ciphers "ECDHE+AESGCM" protocols "tlsv1.3"
            match from any for any action "plain"

            """)
        let plain = try #require(outbound.actions["plain"])
        #expect(plain.ciphers == "HIGH:!aNULL")
        #expect(plain.protocols == nil)
        let own = try #require(outbound.actions["own"])
        #expect(own.ciphers == "ECDHE+AESGCM")
        #expect(own.protocols == "tlsv1.3")
        #expect(own.tlsOptions(verify: true) == TLSClientOptions(verify: true, ciphers: "ECDHE+AESGCM", protocols: "tlsv1.3"))
    }

    @Test func heloSrcIsLookedUpByTheSourceAsSaToTextWritesIt() throws {
        let outbound = try settings("""
            table helos { 192.0.2.9 = nine.example.org, "[2001:db8::9]" = v6.example.org }
            action "out" relay src { 192.0.2.9 } helo-src <helos>
            match from any for any action "out"

            """)
        let action = try #require(outbound.actions["out"])
        let table = try #require(action.heloSourceTable)
        #expect(SourceAddress.heloName(for: try .init(ipAddress: "192.0.2.9", port: 0), in: table) == "nine.example.org")
        #expect(SourceAddress.heloName(for: try .init(ipAddress: "2001:db8::9", port: 0), in: table) == "v6.example.org")
        #expect(SourceAddress.heloName(for: try .init(ipAddress: "192.0.2.10", port: 0), in: table) == nil)
    }

    @Test func anUndeclaredClientPKIRefusesTheConfiguration() throws {
        #expect {
            try settings("action \"out\" relay pki \"Missing\"\nmatch from any for any action \"out\"\n")
        } throws: { error in
            "\(error)".contains("action \"out\": client pki \"Missing\" not found")
        }
    }
}
