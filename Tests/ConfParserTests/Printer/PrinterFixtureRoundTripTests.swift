import Testing

@testable import ConfParser

/// Every probe and corpus configuration that parses is printed, parsed again, and printed again: the two
/// configurations must be equal and the two texts identical.
@Suite("Printer round trip on the compat fixtures")
struct PrinterFixtureRoundTripTests {
    static let probes = PrinterTestSupport.configFiles(in: PrinterTestSupport.probesDirectory)
    static let corpus = PrinterTestSupport.configFiles(in: PrinterTestSupport.corpusDirectory)

    @Test("probe round trip", arguments: probes)
    func probe(_ name: String) {
        roundTrip(directory: PrinterTestSupport.probesDirectory, name: name)
    }

    @Test("corpus round trip", arguments: corpus)
    func corpusFile(_ name: String) {
        roundTrip(directory: PrinterTestSupport.corpusDirectory, name: name)
    }

    /// Guards against a vacuous pass: most fixtures must actually reach the printer.
    @Test func enoughFixturesParse() {
        let parsedProbes = Self.probes.filter { Self.parse(PrinterTestSupport.probesDirectory, $0) != nil }
        let parsedCorpus = Self.corpus.filter { Self.parse(PrinterTestSupport.corpusDirectory, $0) != nil }
        #expect(parsedProbes.count >= 70, "only \(parsedProbes.count) of \(Self.probes.count) probes parse")
        #expect(parsedCorpus.count >= 18, "only \(parsedCorpus.count) of \(Self.corpus.count) corpus files parse")
    }

    private func roundTrip(directory: String, name: String) {
        guard let (config, environment) = Self.parse(directory, name) else { return }
        PrinterTestSupport.expectRoundTrip(config, environment: environment)
    }

    /// The configuration in a fixture file, or nil when it does not parse cleanly even with every file present.
    private static func parse(_ directory: String, _ name: String) -> (Config, PermissiveEnvironment)? {
        let reader = PlaceholderSourceReader(directory: directory)
        let (result, environment) = PrinterTestSupport.parseAdaptingTables(path: directory + "/" + name,
                                                                           reader: reader)
        guard PrinterTestSupport.isClean(result), let config = result.config else { return nil }
        return (config, environment)
    }
}
