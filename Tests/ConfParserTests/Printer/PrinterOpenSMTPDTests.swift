import Foundation
import PeerSupport
import Testing

@testable import ConfParser

/// The real OpenSMTPD 6.8 (Debian 12's `/usr/sbin/smtpd`) must accept what the printer writes. Runs only as
/// root with that binary installed, because `smtpd -n` insists on root-owned key files.
enum OpenSMTPD68 {
    static let path = "/usr/sbin/smtpd"

    /// scripts/test.sh installs OpenSMTPD and sets TERN_REQUIRE_OPENSMTPD=1, so in CI these tests always run
    /// and fail if the reference is missing, instead of being skipped.
    static let isRequired = ProcessInfo.processInfo.environment["TERN_REQUIRE_OPENSMTPD"] == "1"

    static let isAvailable: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: path) else { return false }
        return run(["-h"], in: "/").output.contains("OpenSMTPD 6.8")
    }()

    /// `smtpd ARGUMENTS`, run in a directory: its exit status and everything it printed.
    static func run(_ arguments: [String], in directory: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return (-1, "\(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `smtpd -n -f FILE` on text written to a file in the directory.
    static func check(_ text: String, in directory: String, name: String = "printed.conf")
        -> (status: Int32, output: String)
    {
        let file = directory + "/" + name
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else { return (-1, "no file") }
        return run(["-n", "-f", file], in: directory)
    }

    /// A private copy of the probes folder with the key made 0600, as `smtpd -n` wants; remove it when done.
    static func makeProbesCopy() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tern-printer-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: PrinterTestSupport.probesDirectory, toPath: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory + "/test.key")
        return directory
    }

    /// The probes OpenSMTPD 6.8 accepted (`### NAME (rc=0)` in EXPECTED-6.8.0p2.txt).
    static let acceptedProbes: [String] = {
        let expected = (try? String(contentsOfFile: PrinterTestSupport.probesDirectory + "/EXPECTED-6.8.0p2.txt",
                                    encoding: .utf8)) ?? ""
        return expected.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("### "), line.hasSuffix(" (rc=0)") else { return nil }
            return String(line.dropFirst(4).dropLast(7))
        }
    }()
}

@Suite("Printer output accepted by OpenSMTPD 6.8", .ownQueue,
       .enabled(if: OpenSMTPD68.isAvailable || OpenSMTPD68.isRequired,
                "needs root and OpenSMTPD 6.8 at /usr/sbin/smtpd (required when TERN_REQUIRE_OPENSMTPD=1)"))
struct PrinterOpenSMTPDTests {
    /// Every probe 6.8 accepted is still accepted once printed by Tern.
    @Test func acceptedProbesStayAccepted() throws {
        let directory = try OpenSMTPD68.makeProbesCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(OpenSMTPD68.acceptedProbes.count > 50)
        var printed = 0
        for name in OpenSMTPD68.acceptedProbes {
            let reader = PlaceholderSourceReader(directory: directory)
            let (result, _) = PrinterTestSupport.parseAdaptingTables(path: directory + "/" + name, reader: reader)
            guard PrinterTestSupport.isClean(result), let config = result.config else { continue }
            printed += 1
            let text = ConfigPrinter.print(config)
            let outcome = OpenSMTPD68.check(text, in: directory)
            #expect(outcome.status == 0, "\(name): \(outcome.output)\n\(text)")
        }
        #expect(printed > 50, "only \(printed) accepted probes parse in Tern")
    }

    /// The kitchen sink is accepted by 6.8 as written and as printed.
    @Test func kitchenSink() throws {
        let directory = try OpenSMTPD68.makeProbesCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = PrinterSamples.kitchenSink.replacingOccurrences(of: "@DIR@", with: directory)
        let original = OpenSMTPD68.check(source, in: directory, name: "original.conf")
        #expect(original.status == 0, "\(original.output)")
        let reader = InMemorySourceReader(files: ["/k.conf": source])
        let (result, _) = PrinterTestSupport.parseAdaptingTables(path: "/k.conf", reader: reader)
        let config = try #require(result.config)
        #expect(PrinterTestSupport.isClean(result))
        let text = ConfigPrinter.print(config)
        let printed = OpenSMTPD68.check(text, in: directory)
        #expect(printed.status == 0, "\(printed.output)\n\(text)")
    }

    /// 6.8's lexer reads the printer's escapes as Tern's does: a nasty string in every position still parses.
    @Test(arguments: PrinterQuotingTests.nastyStrings)
    func nastyStrings(_ nasty: String) throws {
        let directory = try OpenSMTPD68.makeProbesCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = ConfigPrinter.print(PrinterSamples.nastyConfig(nasty, interface: "lo"))
        let outcome = OpenSMTPD68.check(text, in: directory)
        #expect(outcome.status == 0, "\(outcome.output)\n\(text)")
    }
}
