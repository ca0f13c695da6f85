import Foundation
import PeerSupport
import Testing
@testable import Server

/// `smtpd -n` on hostile files: always a clear `file:line` error and exit 1, never a crash or a hang.
@Suite("smtpd -n on bad input", .ownQueue)
struct BadInputTests {
    private func check(_ bytes: [UInt8], extraFiles: [String: String] = [:]) throws -> ConfigCheckOutcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in extraFiles {
            try Data(text.replacingOccurrences(of: "@DIR@", with: directory.path).utf8)
                .write(to: directory.appendingPathComponent(name))
        }
        let path = directory.appendingPathComponent("smtpd.conf").path
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "@DIR@", with: directory.path)
        try Data(bytes.contains(0) ? bytes : Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return ConfigCheck.run(configPath: path, options: .init(explain: true))
    }

    private func firstLine(_ outcome: ConfigCheckOutcome) -> String {
        outcome.stderrLines.first { !$0.hasPrefix(" ") } ?? ""
    }

    @Test func binaryGarbage() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let outcome = try check(bytes)
        #expect(outcome.exitCode == 1)
        #expect(firstLine(outcome).contains(":"))
    }

    @Test func tenMegabyteLine() throws {
        let bytes = Array("action \"a\" mbox\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
            + Array("\nmatch for local action \"a\"\n".utf8)
        let outcome = try check(bytes)
        #expect(outcome.exitCode == 1)
        #expect(firstLine(outcome).hasSuffix("smtpd.conf:2: string too long"))
    }

    @Test func nulBytes() throws {
        let bytes = Array("action \"a\0b\" mbox\nmatch for local action \"a\"\n".utf8)
        let outcome = try check(bytes)
        #expect(outcome.exitCode == 1)
        #expect(firstLine(outcome).hasSuffix("smtpd.conf:1: syntax error"))
    }

    @Test func includeLoop() throws {
        let outcome = try check(Array("include \"@DIR@/a.conf\"\n".utf8),
                                extraFiles: ["a.conf": "include \"@DIR@/smtpd.conf\"\naction \"a\" mbox\nmatch action \"a\"\n"])
        #expect(outcome.exitCode == 1)
        #expect(firstLine(outcome).contains("a.conf:1: failed to include file "))
        #expect(outcome.stderrLines.contains { $0.contains("include loop") })
    }

    @Test func unterminatedBraceAndQuote() throws {
        let brace = try check(Array("table t { a, b\naction \"a\" mbox\nmatch for local action \"a\"\n".utf8))
        #expect(brace.exitCode == 1)
        #expect(firstLine(brace).hasSuffix("smtpd.conf:2: syntax error"))
        let quote = try check(Array("action \"a\" mbox\nmatch for local action \"a\n".utf8))
        #expect(quote.exitCode == 1)
        #expect(firstLine(quote).hasSuffix("smtpd.conf:2: reached end of file while parsing quoted string"))
    }

    @Test func missingFile() {
        let outcome = ConfigCheck.run(configPath: "/nonexistent/smtpd.conf")
        #expect(outcome.exitCode == 1)
        #expect(outcome.stderrLines == ["pushfile: /nonexistent/smtpd.conf: No such file or directory"])
    }
}
