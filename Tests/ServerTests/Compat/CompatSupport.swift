import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `smtpd -n` printed (stdout and stderr, one element per line) and its exit code.
struct SmtpdOutput: Equatable, Sendable, CustomStringConvertible {
    var lines: [String]
    var exitCode: Int32

    var description: String {
        (lines + ["rc=\(exitCode)"]).map { "    " + $0 }.joined(separator: "\n")
    }

    /// Tern prints every line OpenSMTPD prints, exactly, and may add its own: lines that start with
    /// whitespace (details, hints), contain ": warning: " or start with "warning: ". This drops those.
    var withoutTernAdditions: SmtpdOutput {
        SmtpdOutput(lines: lines.filter { !Compat.isTernAddition($0) }, exitCode: exitCode)
    }

    /// Replaces `configPath` at the start of a line with `F`, as the recorded outputs do.
    func normalised(configPath: String) -> SmtpdOutput {
        SmtpdOutput(
            lines: lines.map { $0.hasPrefix(configPath) ? "F" + $0.dropFirst(configPath.count) : $0 },
            exitCode: exitCode)
    }

    /// Replaces `@DIR@` (the probes folder in the recorded outputs) with `directory`.
    func substitutingDir(_ directory: String) -> SmtpdOutput {
        SmtpdOutput(lines: lines.map { $0.replacingOccurrences(of: "@DIR@", with: directory) }, exitCode: exitCode)
    }
}

/// One entry of a recorded-output file.
struct RecordedEntry: Sendable {
    var name: String
    var output: SmtpdOutput
    /// `why:` lines (tern-differences.txt only).
    var why: [String]
}

/// The compatibility data in Tests/Fixtures/compat (copied from the project's shared compat folder) and
/// the helpers the compat tests share.
enum Compat {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Compat
        .deletingLastPathComponent()  // ServerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/compat")
    static let probes = fixtures.appendingPathComponent("probes")

    static func isTernAddition(_ line: String) -> Bool {
        if let first = line.unicodeScalars.first, first == " " || first == "\t" { return true }
        return line.hasPrefix("warning: ") || line.contains(": warning: ")
    }

    static var isRoot: Bool { geteuid() == 0 }

    static func read(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    /// Parses the format of EXPECTED-6.8.0p2.txt and tern-differences.txt: `### NAME (rc=N)`, then the
    /// output lines indented by four spaces, then (differences only) `why: ` lines. `#` lines are comments.
    static func parseExpected(_ text: String) -> [RecordedEntry] {
        var entries: [RecordedEntry] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### ") {
                let fields = line.dropFirst(4).split(separator: " ")
                guard fields.count == 2, fields[1].hasPrefix("(rc="), fields[1].hasSuffix(")"),
                    let rc = Int32(fields[1].dropFirst(4).dropLast())
                else { continue }
                entries.append(RecordedEntry(name: String(fields[0]), output: SmtpdOutput(lines: [], exitCode: rc), why: []))
            } else if line.hasPrefix("    "), !entries.isEmpty {
                entries[entries.count - 1].output.lines.append(String(line.dropFirst(4)))
            } else if line.hasPrefix("why: "), !entries.isEmpty {
                entries[entries.count - 1].why.append(String(line.dropFirst(5)))
            }
        }
        return entries
    }

    /// Parses fixture/results_fixture.txt's format: `=== NAME`, the output lines, then `rc=N`.
    static func parseFixtureResults(_ text: String) -> [RecordedEntry] {
        var entries: [RecordedEntry] = []
        var open = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("=== ") {
                entries.append(RecordedEntry(name: String(line.dropFirst(4)), output: SmtpdOutput(lines: [], exitCode: -1), why: []))
                open = true
            } else if open, line.hasPrefix("rc="), let rc = Int32(line.dropFirst(3)) {
                entries[entries.count - 1].output.exitCode = rc
                open = false
            } else if open {
                entries[entries.count - 1].output.lines.append(String(line))
            }
        }
        return entries
    }

    /// The recorded 6.8.0p2 outputs of the probes, in file order, with `@DIR@` still in them.
    static let recordedProbes: [RecordedEntry] =
        parseExpected(read(probes.appendingPathComponent("EXPECTED-6.8.0p2.txt")))

    /// Tern's deliberate differences, by `KIND/NAME` (probes/…, corpus/…, variants/…).
    static let differences: [String: RecordedEntry] = {
        var byName: [String: RecordedEntry] = [:]
        for entry in parseExpected(read(fixtures.appendingPathComponent("tern-differences.txt"))) {
            byName[entry.name] = entry
        }
        return byName
    }()

    /// What Tern must print for `KIND/NAME`: its documented difference, or else OpenSMTPD's `recorded` output.
    static func expectation(for name: String, recorded: SmtpdOutput) -> (output: SmtpdOutput, source: String) {
        if let difference = differences[name] {
            return (difference.output, "tern-differences.txt (\(difference.why.joined(separator: " ")))")
        }
        return (recorded, "OpenSMTPD 6.8.0p2")
    }

    /// A private copy of the probes folder, made once per test process and removed when it exits: `@DIR@`
    /// is replaced by the copy's path in every config, and test.key has mode 0600 (OpenSMTPD also wants it
    /// owned by root, which it is when the tests run as root). The tests only read it.
    static func probesCopy() throws -> URL {
        try sharedProbesCopy.get()
    }

    private static let sharedProbesCopy = Result { () throws -> URL in
        let fileManager = FileManager.default
        let parent = fileManager.temporaryDirectory.appendingPathComponent("tern-probes-\(getpid())-\(UUID().uuidString)")
        let copy = parent.appendingPathComponent("probes")
        do {
            try fileManager.createDirectory(at: copy, withIntermediateDirectories: true)
            for name in try fileManager.contentsOfDirectory(atPath: probes.path) {  // a flat folder
                var data = try Data(contentsOf: probes.appendingPathComponent(name))
                if name.hasSuffix(".conf"), let text = String(data: data, encoding: .utf8), text.contains("@DIR@") {
                    data = Data(text.replacingOccurrences(of: "@DIR@", with: copy.path).utf8)
                }
                let target = copy.appendingPathComponent(name)
                try data.write(to: target)
                try fileManager.setAttributes(
                    [.posixPermissions: name == "test.key" ? 0o600 : 0o644], ofItemAtPath: target.path)
            }
        } catch {
            try? fileManager.removeItem(at: parent)
            throw error
        }
        atexit { try? FileManager.default.removeItem(at: Compat.sharedProbesCopyParent) }
        return copy
    }

    /// Read only by the exit handler, which is registered once the copy exists.
    private static var sharedProbesCopyParent: URL {
        (try? sharedProbesCopy.get().deletingLastPathComponent()) ?? URL(fileURLWithPath: "/nonexistent")
    }

    /// Tern's `smtpd` executable: `$TERN_SMTPD`, or the one built next to this test binary.
    static func smtpdExecutable() -> URL? {
        if let path = ProcessInfo.processInfo.environment["TERN_SMTPD"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // Linux: .build/debug/ternPackageTests.xctest is the test binary itself; macOS: a bundle inside
        // .build/debug. Walk up a few folders from the running executable.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            folder = bundle.bundleURL.deletingLastPathComponent()
        }
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("smtpd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// Runs a program with stdin from /dev/null, stdout and stderr merged, and returns its output lines
    /// and exit code.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> SmtpdOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return SmtpdOutput(lines: lines(of: String(decoding: data, as: UTF8.self)), exitCode: process.terminationStatus)
    }

    /// A text's lines, without the empty one after a final newline.
    static func lines(of text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The two outputs side by side, for a failure message.
    static func explain(_ name: String, got: SmtpdOutput, want: SmtpdOutput, source: String) -> String {
        "\(name): Tern's output (its added lines left out):\n\(got)\nexpected, from \(source):\n\(want)"
    }
}
