import Foundation
import PeerSupport
import Testing

/// The 25 real-world configs of Tests/Fixtures/compat/corpus, and the variants in fixture/variants, must
/// get OpenSMTPD 6.8.0p2's verdict in the corpus fixture (fixture/results_fixture.txt and
/// fixture/variants_expected.txt), or the one tern-differences.txt gives with its reason.
///
/// The fixture needs stub files at the absolute paths the configs name and BSD interface names (lo0,
/// trunk0, ...), so it lives in private mount and network namespaces, which only a single-threaded
/// process can enter: scripts/compat/fixture-run.sh builds it and runs Tern's smtpd executable there.
/// scripts/compat/corpus.sh runs the same fixture with Debian's binary beside Tern's and prints a table.
@Suite("Corpus verdicts match OpenSMTPD 6.8.0p2 in the fixture", .ownQueue)
struct CorpusVerdictTests {
    static let corpus = Compat.fixtures.appendingPathComponent("corpus")
    static let variants = Compat.fixtures.appendingPathComponent("fixture/variants")

    /// `corpus/NAME` and `variants/NAME`, the keys tern-differences.txt uses.
    static let files: [String] = {
        func confs(_ folder: URL, _ kind: String) -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { $0.hasSuffix(".conf") }.sorted().map { "\(kind)/\($0)" }
        }
        return confs(corpus, "corpus") + confs(variants, "variants")
    }()

    static let recorded: [String: SmtpdOutput] = {
        var byName: [String: SmtpdOutput] = [:]
        for (file, kind) in [("fixture/results_fixture.txt", "corpus"), ("fixture/variants_expected.txt", "variants")] {
            for entry in Compat.parseFixtureResults(Compat.read(Compat.fixtures.appendingPathComponent(file))) {
                byName["\(kind)/\(entry.name)"] = entry.output
            }
        }
        return byName
    }()

    static var fixtureAvailable: Bool {
        Compat.isRoot && ["/usr/bin/unshare", "/usr/sbin/ip", "/usr/bin/python3"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @Test(
        "smtpd -n in the corpus fixture",
        .enabled(if: fixtureAvailable, "the fixture needs root, unshare, ip and python3 (CI runs as root)"),
        arguments: files)
    func corpusFile(_ file: String) throws {
        let recorded = try #require(Self.recorded[file], "\(file) has no recorded result")
        let smtpd = try #require(Compat.smtpdExecutable(), "Tern's smtpd executable is not built next to the tests")
        let folder = file.hasPrefix("corpus/") ? Self.corpus : Self.variants
        let config = folder.appendingPathComponent(String(file.split(separator: "/").last ?? ""))

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tern-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let script = Compat.repositoryRoot.appendingPathComponent("scripts/compat/fixture-run.sh")
        let setup = try Compat.run(URL(fileURLWithPath: "/bin/bash"), [script.path, out.path, config.path, smtpd.path])
        try #require(setup.exitCode == 0, "the fixture could not be set up:\n\(setup)")

        // fixture-run.sh writes the output lines (config path shown as F), then "rc=N".
        var lines = Compat.lines(of: Compat.read(out.appendingPathComponent("1.out")))
        let rc = try #require(lines.popLast().flatMap { $0.hasPrefix("rc=") ? Int32($0.dropFirst(3)) : nil })
        let got = SmtpdOutput(lines: lines, exitCode: rc).withoutTernAdditions
        let (want, source) = Compat.expectation(for: file, recorded: recorded)
        #expect(got == want, Comment(rawValue: Compat.explain(file, got: got, want: want, source: source)))
    }

    @Test("every corpus file has a recorded result")
    func catalogue() {
        #expect(Self.files.count == 30)
        for file in Self.files {
            #expect(Self.recorded[file] != nil, "\(file) has no recorded result")
        }
    }
}
