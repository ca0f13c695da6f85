import Foundation
import Testing
import ConfParser
@testable import Server

/// Every configuration under examples/ passes `smtpd -n`, installed into a scratch folder that stands in for
/// /etc/mail, /etc/ssl and /var (the files keep the modes an administrator would give them).
@Suite("examples/ pass smtpd -n")
struct ExampleConfigTests {
    static let examples: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")
    static let certificates: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/compat/probes")

    static let names = ["seed", "one-domain", "virtual-domains", "smarthost", "null-client", "lmtp-dovecot",
                        "catch-all", "quickstart"]

    @Test(arguments: names)
    func examplePassesTheCheck(_ name: String) throws {
        let fileManager = FileManager.default
        let root = fileManager.temporaryDirectory.appendingPathComponent("tern-example-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: root) }
        let etcMail = root.appendingPathComponent("etc/mail")
        try fileManager.createDirectory(at: etcMail, withIntermediateDirectories: true)
        try fileManager.createDirectory(at: root.appendingPathComponent("etc/ssl/private"), withIntermediateDirectories: true)

        let folder = Self.examples.appendingPathComponent(name)
        for file in try fileManager.contentsOfDirectory(atPath: folder.path)
        where !["smtpd.conf", "README.md", "dovecot-local.conf"].contains(file) {
            let target = etcMail.appendingPathComponent(file)
            try fileManager.copyItem(at: folder.appendingPathComponent(file), to: target)
            try fileManager.setAttributes([.posixPermissions: 0o640], ofItemAtPath: target.path)
        }
        var text = try String(contentsOf: folder.appendingPathComponent("smtpd.conf"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"/etc/", with: "\"\(root.path)/etc/")
            .replacingOccurrences(of: ":/etc/", with: ":\(root.path)/etc/")
            .replacingOccurrences(of: "@BASE@", with: root.path)
            .replacingOccurrences(of: "@PORT@", with: "2525")
            .replacingOccurrences(of: "@USER@", with: "root")
        // Certificates and keys where the configuration expects them.
        for line in text.split(separator: "\n") where line.hasPrefix("pki ") {
            let words = line.split(separator: " ")
            guard words.count >= 4, let path = words.last?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) else {
                continue
            }
            let source = words[2] == "cert" ? "test.crt" : "test.key"
            if !fileManager.fileExists(atPath: path) {
                try fileManager.copyItem(at: Self.certificates.appendingPathComponent(source), to: URL(fileURLWithPath: path))
                try fileManager.setAttributes([.posixPermissions: source == "test.key" ? 0o600 : 0o644], ofItemAtPath: path)
            }
        }
        let configPath = root.appendingPathComponent("smtpd.conf").path
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)

        let outcome = ConfigCheck.run(configPath: configPath, options: .init(explain: false))
        #expect(outcome.exitCode == 0, "\(outcome.stderrLines.joined(separator: "\n"))")
        #expect(outcome.stderrLines.last == "configuration OK")
        let warnings = outcome.diagnostics.filter { $0.severity == .warning }.map(\.message)
        #expect(warnings.isEmpty, "\(warnings)")
    }
}
