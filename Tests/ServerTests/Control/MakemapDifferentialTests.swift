import ConfParser
import Foundation
import PeerSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Tern's `makemap` against Debian's (OpenSMTPD 6.8, /usr/sbin/makemap): the same sources give the same
/// records, messages and exit statuses, and Debian's `smtpd -n` accepts a database Tern wrote.
/// scripts/test.sh installs opensmtpd and sets TERN_REQUIRE_OPENSMTPD=1, so on CI these tests run and fail
/// when the reference is missing; elsewhere they are skipped (reported as such, not as passed).
@Suite("makemap against OpenSMTPD's", .ownQueue, .enabled(if: MakemapReference.usable))
struct MakemapDifferentialTests {
    static let sources: [String: String] = [
        "plain": """
            # a comment line
            Foo\tbar
            baz: qux , x
            Trailing value   \n\n   indented value # with a comment
            K\\#y v
            long a\\
             b
            :empty-key value
            colon::value:: more
            tab\t\t  spaced\tvalue
            """,
        "aliases": """
            root: admin@example.org
            postmaster: root
            Abuse: root, "|/usr/bin/logger", /var/mail/abuse
            list: :include:/etc/mail/list, error:550 no such list
            """,
    ]

    @Test("the same records", arguments: [("plain", [String]()), ("plain", ["-t", "set"]),
                                          ("aliases", ["-t", "aliases"]), ("aliases", ["-t", "set"])])
    func sameRecords(source: String, options: [String]) throws {
        let folder = try MakemapReference.folder(files: ["src": Self.sources[source]!])
        let tern = try MakemapReference.run(.tern, options + ["-o", "tern.db", "src"], in: folder)
        let debian = try MakemapReference.run(.debian, options + ["-o", "debian.db", "src"], in: folder)
        #expect(tern.exitCode == 0)
        #expect(tern.withoutPaths(tern: "tern.db") == debian.withoutPaths(tern: "debian.db"))
        let ternTable = try BerkeleyDBTableFile.load(path: folder.appendingPathComponent("tern.db").path).contents
        let debianTable = try BerkeleyDBTableFile.load(path: folder.appendingPathComponent("debian.db").path).contents
        #expect(!debianTable.entries.isEmpty)
        #expect(ternTable.entries == debianTable.entries)
        // Debian's own dump sees the same bytes, trailing NULs included.
        let ternDump = try MakemapReference.run(.debian, ["-U", "tern.db"], in: folder)
        let debianDump = try MakemapReference.run(.debian, ["-U", "debian.db"], in: folder)
        #expect(ternDump.lines.sorted() == debianDump.lines.sorted())
        #expect(try MakemapReference.run(.tern, ["-U", "debian.db"], in: folder).lines.sorted()
            == debianDump.lines.sorted())
    }

    @Test("the same messages and exit statuses", arguments: [
        ("missing value", "a b\nalone\n", [String]()),
        ("duplicate after lowercasing", "Key one\nkey two\n", []),
        ("duplicate in a set", "x\nX\n", ["-t", "set"]),
        ("invalid alias", "root: a b\n", ["-t", "aliases"]),
        ("empty alias element", "root: a,,b\n", ["-t", "aliases"]),
        ("empty map", "# nothing\n\n", []),
        ("unknown type", "a b\n", ["-t", "foo"]),
        ("unknown db type", "a b\n", ["-d", "foo"]),
        ("unknown option", "a b\n", ["-x"]),
        ("missing option argument", "a b\n", ["-o"]),
    ])
    func sameMessages(name: String, text: String, options: [String]) throws {
        let folder = try MakemapReference.folder(files: ["src": text])
        let tern = try MakemapReference.run(.tern, options + ["src"], in: folder)
        let ternLeftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("src.db"))
        let debian = try MakemapReference.run(.debian, options + ["src"], in: folder)
        let debianLeftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(!debian.lines.isEmpty, "\(name)")
        #expect(tern.withoutPaths(tern: "") == debian.withoutPaths(tern: ""), "\(name)")
        // A failed run leaves neither a database nor its temporary file.
        #expect(ternLeftovers == debianLeftovers, "\(name)")
    }

    @Test("missing source and usage")
    func usage() throws {
        let folder = try MakemapReference.folder(files: [:])
        for arguments in [["nonexistent"], [], ["a", "b", "c"], ["-U", "nonexistent.db"]] {
            let tern = try MakemapReference.run(.tern, arguments, in: folder)
            let debian = try MakemapReference.run(.debian, arguments, in: folder)
            #expect(tern.withoutPaths(tern: "") == debian.withoutPaths(tern: ""), "\(arguments)")
        }
    }

    @Test("OpenSMTPD's smtpd -n accepts a database Tern wrote", .enabled(if: MakemapReference.smtpdUsable))
    func smtpdAccepts() throws {
        let folder = try MakemapReference.folder(files: ["aliases": Self.sources["aliases"]!])
        let tern = try MakemapReference.run(.tern, ["-t", "aliases", "aliases"], in: folder)
        #expect(tern.exitCode == 0)
        for (database, verdict) in [("aliases.db", "configuration OK"), ("aliases", "invalid configuration file")] {
            let config = folder.appendingPathComponent("smtpd.conf")
            try """
                table t db:\(folder.path)/\(database)
                action "l" mbox alias <t>
                match for local action "l"

                """.write(to: config, atomically: true, encoding: .utf8)
            let check = try MakemapReference.run(executable: "/usr/sbin/smtpd", ["-n", "-f", config.path], in: folder)
            #expect(check.lines.contains { $0.contains(verdict) }, "\(database): \(check.lines)")
            #expect((check.exitCode == 0) == (verdict == "configuration OK"), "\(database)")
        }
    }

    @Test("newaliases rebuilds the aliases table's source as OpenSMTPD's does", .enabled(if: MakemapReference.isRoot))
    func newaliases() throws {
        let folder = try MakemapReference.folder(files: ["aliases": Self.sources["aliases"]!])
        var outputs: [MakemapReference.Output] = []
        for (program, database) in [(MakemapReference.Program.tern, "tern"), (.debian, "debian")] {
            try """
                table aliases file:\(folder.path)/aliases
                action "l" mbox alias <aliases>
                match for local action "l"

                """.write(to: folder.appendingPathComponent("smtpd.conf"), atomically: true, encoding: .utf8)
            outputs.append(try MakemapReference.run(program, ["-f", "smtpd.conf"], in: folder, as: "newaliases"))
            try FileManager.default.moveItem(at: folder.appendingPathComponent("aliases.db"),
                                             to: folder.appendingPathComponent("\(database).db"))
        }
        #expect(outputs[0].lines.filter { !$0.contains(": warning: ") } == outputs[1].lines)
        #expect(outputs[0].lines.contains { $0.hasPrefix("newaliases: warning: table aliases is the file") })
        #expect(outputs[0].exitCode == 0 && outputs[1].exitCode == 0)
        #expect(outputs[1].lines == ["\(folder.path)/aliases: 4 aliases"])
        let tern = try BerkeleyDBTableFile.load(path: folder.appendingPathComponent("tern.db").path).contents
        let debian = try BerkeleyDBTableFile.load(path: folder.appendingPathComponent("debian.db").path).contents
        #expect(tern.entries == debian.entries)
    }
}

/// Runs Tern's smtpctl and Debian's smtpctl under the name `makemap` (or `newaliases`).
enum MakemapReference {
    static let isRequired = ProcessInfo.processInfo.environment["TERN_REQUIRE_OPENSMTPD"] == "1"
    static let debianSmtpctl = "/usr/sbin/smtpctl"
    static var isRoot: Bool { geteuid() == 0 }
    /// When required, the tests run and fail on whatever is missing.
    static var usable: Bool { isRequired || FileManager.default.isExecutableFile(atPath: debianSmtpctl) }
    static var smtpdUsable: Bool { isRequired || (isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/smtpd")) }

    enum Program { case tern, debian }

    struct Output: Equatable, CustomStringConvertible {
        var lines: [String]
        var exitCode: Int32
        var description: String { (lines + ["rc=\(exitCode)"]).joined(separator: "\n") }

        /// The program path getopt prints and the output name replaced, so both programs' lines compare.
        func withoutPaths(tern name: String) -> Output {
            Output(lines: lines.map { line in
                var line = line
                if let colon = line.range(of: "makemap: "), line[..<colon.lowerBound].hasSuffix("/") || line.hasPrefix("/") {
                    line = "makemap: " + line[colon.upperBound...]
                }
                if !name.isEmpty { line = line.replacingOccurrences(of: name, with: "OUT") }
                return line.replacingOccurrences(of: #"\.[A-Za-z0-9]{11}\b"#, with: ".TMP", options: .regularExpression)
            }, exitCode: exitCode)
        }
    }

    static func ternSmtpctl() throws -> String {
        if let smtpd = ProcessInfo.processInfo.environment["TERN_SMTPD"], !smtpd.isEmpty {
            return URL(fileURLWithPath: smtpd).deletingLastPathComponent().appendingPathComponent("smtpctl").path
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            folder = bundle.bundleURL.deletingLastPathComponent()
        }
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("smtpctl").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw Missing(what: "Tern's smtpctl (build it with swift build)")
    }

    struct Missing: Error, CustomStringConvertible {
        var what: String
        var description: String { "missing \(what)" }
    }

    /// A fresh folder holding `files`.
    static func folder(files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("makemap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// Runs `program` as `name` (a symlink to the smtpctl binary, as Debian installs them) inside `folder`.
    static func run(_ program: Program, _ arguments: [String], in folder: URL, as name: String = "makemap") throws
        -> Output
    {
        let target = program == .tern ? try ternSmtpctl() : debianSmtpctl
        guard FileManager.default.isExecutableFile(atPath: target) else { throw Missing(what: target) }
        let links = folder.appendingPathComponent(program == .tern ? ".tern-bin" : ".debian-bin")
        try? FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
        let link = links.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: link.path) {
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target)
        }
        return try run(executable: link.path, arguments, in: folder)
    }

    static func run(executable: String, _ arguments: [String], in folder: URL) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        // Never a real daemon: newaliases would ask it to update its aliases table.
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["TERN_CONTROL_SOCKET": folder.appendingPathComponent("no-daemon.sock").path]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        if lines.last == "" { lines.removeLast() }
        return Output(lines: lines, exitCode: process.terminationStatus)
    }
}
