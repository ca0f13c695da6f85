import Foundation
import Testing
@testable import Server

/// `smtpd -n` warns about a relay's `ciphers`/`protocols` that no TLS context can be built from; the verdict
/// stays OpenSMTPD's (it only fails when the daemon starts).
@Suite("smtpd -n on relay TLS policies")
struct RelayTLSPolicyWarningTests {
    private func check(_ options: String) throws -> ConfigCheckOutcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-relaytls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("smtpd.conf").path
        try Data("action \"out\" relay \(options)\nmatch from any for any action \"out\"\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        return ConfigCheck.run(configPath: path, options: .init(explain: true))
    }

    @Test func unusableValuesWarn() throws {
        for options in ["protocols \"sslv3\"", "protocols \"tlsv1.1\"", "ciphers \"NO-SUCH-CIPHER\""] {
            let outcome = try check(options)
            #expect(outcome.exitCode == 0, "\(options)")
            #expect(outcome.stderrLines.contains {
                $0.contains("action \"out\": TLS ciphers or protocols cannot be used")
            }, "\(options): \(outcome.stderrLines)")
        }
    }

    @Test func usableValuesDoNot() throws {
        let outcome = try check("ciphers \"secure\" protocols \"tlsv1.2,tlsv1.3\"")
        #expect(outcome.exitCode == 0)
        #expect(!outcome.stderrLines.contains { $0.contains("cannot be used") }, "\(outcome.stderrLines)")
    }
}
