import Foundation
import Server
import PeerSupport
import Testing

/// `smtpd -n` on each of the 146 probes in Tests/Fixtures/compat/probes must give what Debian 12's
/// OpenSMTPD 6.8.0p2 gave (EXPECTED-6.8.0p2.txt): the same exit code and the same lines, once Tern's own
/// added lines (indented, or warnings) are left out. Where Tern differs on purpose, the expectation comes
/// from Tests/Fixtures/compat/tern-differences.txt, which says why.
/// scripts/compat/differential.sh checks that the recorded file still is what the real binary says.
@Suite("Probe verdicts match OpenSMTPD 6.8.0p2", .ownQueue)
struct ProbeVerdictTests {
    /// Probes whose config names test.key: OpenSMTPD loads a key only if it is owned by uid 0.
    static let needRoot: Set<String> = Set(Compat.recordedProbes.map(\.name).filter { name in
        Compat.read(Compat.probes.appendingPathComponent(name)).contains("test.key")
    })

    /// Probes whose result depends on the working directory (`include inc1.conf`): run through the smtpd
    /// executable, started in the probes folder, since the test process's own directory is shared by
    /// every test running in parallel.
    static let needWorkingDirectory: Set<String> = ["include_unquoted.conf"]

    static let ordinary = Compat.recordedProbes.map(\.name).filter { !needRoot.contains($0) }
    static let rootOnly = Compat.recordedProbes.map(\.name).filter { needRoot.contains($0) }

    @Test("smtpd -n", arguments: ordinary)
    func probe(_ name: String) throws {
        try check(name)
    }

    @Test(
        "smtpd -n, probes with a key file",
        .enabled(if: Compat.isRoot, "OpenSMTPD (and so Tern) refuses a key not owned by uid 0; CI runs the tests as root"),
        arguments: rootOnly)
    func probeWithKey(_ name: String) throws {
        try check(name)
    }

    @Test("the probe data is complete and every difference says why")
    func catalogue() throws {
        let recorded = Compat.recordedProbes.map(\.name)
        #expect(recorded.count == 146)
        #expect(Set(recorded).count == recorded.count, "a probe is recorded twice")
        let configs = try FileManager.default.contentsOfDirectory(atPath: Compat.probes.path)
            .filter { $0.hasSuffix(".conf") }
        #expect(Set(configs) == Set(recorded), "every probe config has a recorded result and the reverse")

        let corpus = Set(CorpusVerdictTests.files)
        for (name, entry) in Compat.differences {
            #expect(!entry.why.isEmpty, "\(name) in tern-differences.txt has no why: line")
            if name.hasPrefix("probes/") {
                #expect(recorded.contains(String(name.dropFirst("probes/".count))), "\(name) is not a probe")
            } else {
                #expect(corpus.contains(name), "\(name) is neither a probe nor a corpus file")
            }
        }
    }

    private func check(_ name: String) throws {
        let recorded = try #require(Compat.recordedProbes.first { $0.name == name })
        let probes = try Compat.probesCopy()
        let config = probes.appendingPathComponent(name).path

        let raw: SmtpdOutput
        if Self.needWorkingDirectory.contains(name) {
            let smtpd = try #require(Compat.smtpdExecutable(), "Tern's smtpd executable is not built next to the tests")
            raw = try Compat.run(smtpd, ["-n", "-f", config], in: probes)
        } else {
            let outcome = ConfigCheck.run(configPath: config)
            raw = SmtpdOutput(
                lines: outcome.stderrLines.flatMap { Compat.lines(of: $0) } + Compat.lines(of: outcome.stdout),
                exitCode: outcome.exitCode)
        }
        let got = raw.normalised(configPath: config).withoutTernAdditions
        let (want, source) = Compat.expectation(for: "probes/\(name)", recorded: recorded.output)
        let expected = want.substitutingDir(probes.path)
        #expect(got == expected, Comment(rawValue: Compat.explain(name, got: got, want: expected, source: source)))
    }
}
