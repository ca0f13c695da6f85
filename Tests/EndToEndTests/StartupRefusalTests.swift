import Foundation
import PeerSupport
import Testing

/// Relay settings that `-n` passes but that can never work stop the daemon at start-up, as OpenSMTPD 7.x does,
/// instead of holding every message for that action in the queue.
@Suite("smtpd refuses to start on relay settings that cannot work", .ownQueue)
struct StartupRefusalTests {
    private func run(_ actionOptions: String, check: Bool) throws -> ProcessResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("smtpd.conf").path
        try "listen on 127.0.0.1 port \(TernDaemon.freePort())\naction \"out\" relay \(actionOptions)\nmatch from any for any action \"out\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = check ? ["-n", "-f", config] : ["-d", "-f", config, "--queue-dir", folder.appendingPathComponent("queue").path,
            "--socket", folder.appendingPathComponent("s.sock").path,
            "--control-socket", folder.appendingPathComponent("c.sock").path, "--no-reverse-dns"]
            + (getuid() == 0 ? ["--user", "root"] : [])
        return try ProcessRunner.run(TernBinaries.smtpd, arguments, timeout: 20)
    }

    @Test(arguments: [
        ("pki nosuch", "action \"out\": client pki \"nosuch\" not found"),
        ("protocols \"tlsv1.1\"", "action \"out\": TLS ciphers or protocols cannot be used"),
        ("ciphers \"NO-SUCH-CIPHER\"", "action \"out\": TLS ciphers or protocols cannot be used"),
    ])
    func refusedAtStartButPassesTheCheck(options: String, message: String) throws {
        let started = try run(options, check: false)
        #expect(started.status == 1, "\(started.output)\(started.error)")
        #expect(started.error.contains(message), "\(started.error)")
        let checked = try run(options, check: true)
        #expect(checked.status == 0, "\(checked.error)")
        #expect(checked.error.contains("warning: \(message)"), "\(checked.error)")
        #expect(checked.error.contains("refuses to start with this"), "\(checked.error)")
    }
}
