import Foundation
import PeerSupport
import Testing

/// `senders <T> masquerade` on a submission listener: an authenticated user may only use the MAIL FROM
/// addresses its entry lists, and the From field shows that address.
@Suite("senders and masquerade", .ownQueue, .enabled(if: ExternalTool.available("swaks", "openssl")))
struct SendersTests {
    @Test func onlyListedSendersAndFromIsMasqueraded() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try TestCertificate.make(commonName: "mx.example.test", in: folder)
        let port = TernDaemon.freePort()
        let seedPasswd = try String(contentsOf: TernBinaries.packageRoot.appendingPathComponent("examples/seed/passwd"),
            encoding: .utf8)
        let daemon = try TernDaemon(configuration: """
            pki mx.example.test cert "@DIR@/mx.crt"
            pki mx.example.test key "@DIR@/mx.key"
            table passwd file:@DIR@/passwd
            table users file:@DIR@/senders
            listen on 127.0.0.1 port \(port) tls-require pki mx.example.test auth <passwd> senders <users> masquerade
            action "out" relay
            match auth from any for any action "out"
            """, files: [
                "mx.crt": certificate, "mx.key": key, "passwd": seedPasswd,
                "senders": "batman@athome.tld batman@athome.tld, @wayne.example\n",
            ], extraArguments: ["-P", "mta"], waitForPorts: [port])
        defer { daemon.finish() }
        chmod(daemon.folder.appendingPathComponent("mx.key").path, 0o600)
        func submit(from sender: String) throws -> ProcessResult {
            try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
                "--server", "127.0.0.1:\(port)", "--tls", "--auth", "PLAIN", "--auth-user", "batman@athome.tld",
                "--auth-password", "batman-secret", "--from", sender, "--to", "alfred@outside.example",
                "--header", "From: Bruce Wayne <bruce@wayne.example>",
            ])
        }
        let refused = try submit(from: "joker@arkham.example")
        #expect(refused.output.contains("<~* 530 5.7.0 Sender rejected") || refused.output.contains("<~* 530"),
            "\(refused.output)")
        let allowed = try submit(from: "bruce@wayne.example")
        #expect(allowed.status == 0, "\(allowed.output)")
        let queue = QueueInspection(queueDirectory: daemon.queueDirectory)
        let body = queue.messageIDs.first.map { queue.body($0) } ?? ""
        #expect(body.contains("\nFrom: Bruce Wayne <bruce@wayne.example>\n"), "MAIL FROM is shown: \(body)")
        let other = try submit(from: "batman@athome.tld")
        #expect(other.status == 0)
        let bodies = queue.messageIDs.map { queue.body($0) }
        #expect(bodies.contains { $0.contains("\nFrom: Bruce Wayne <batman@athome.tld>\n") }, "\(bodies)")
    }
}
