import Foundation
import Testing

@testable import ConfParser

/// A machine on which everything a configuration names exists: every interface and host name resolves, every
/// table helper is installed, and every table file loads, as a one-entry list or, for the paths in `hashPaths`,
/// as a one-entry mapping. The printer never looks at table contents, only the parser's type checks do.
struct PermissiveEnvironment: ParserEnvironment {
    var hashPaths: Set<String> = []

    static let services = ["smtp": 25, "smtps": 465, "submission": 587, "submissions": 465, "lmtp": 24]

    func interfaceAddresses(_ name: String) -> [String]? { ["127.0.0.1"] }
    func resolveHost(_ name: String) -> [String]? { ["127.0.0.1"] }
    func servicePort(_ name: String) -> Int? { Self.services[name] }
    func hasTableHelper(_ backend: String) -> Bool { true }
    func loadStaticTable(path: String) -> Result<TableLoadResult, TableLoadError> { .success(stub(path)) }
    func loadDBTable(path: String) -> Result<TableLoadResult, TableLoadError> { .success(stub(path)) }

    private func stub(_ path: String) -> TableLoadResult {
        let contents = hashPaths.contains(path)
            ? TableContents(kind: .hash, entries: ["postmaster": "root"])
            : TableContents(kind: .list, entries: ["127.0.0.1": nil])
        return TableLoadResult(contents: contents, rules: .openSMTPD68)
    }
}

/// Reads files from disk, replacing `@DIR@` (the probes' placeholder for their own folder) in every file.
struct PlaceholderSourceReader: SourceReader {
    var directory: String

    /// A relative path is relative to `directory`, as the probes were run from their folder.
    func read(path: String) -> Result<[UInt8], SourceReadError> {
        FileBytes.read(path: path.hasPrefix("/") ? path : directory + "/" + path).map { bytes in
            Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "@DIR@", with: directory).utf8)
        }
    }
}

enum PrinterTestSupport {
    /// `Tests/Fixtures/compat`, found from this file's path so tests run from any directory.
    static let compatDirectory: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Printer/PrinterTestSupport.swift, ConfParserTests
        return parts.joined(separator: "/") + "/Fixtures/compat"
    }()

    static let probesDirectory = compatDirectory + "/probes"
    static let corpusDirectory = compatDirectory + "/corpus"

    /// The `.conf` files of a fixture folder, sorted.
    static func configFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".conf") }.sorted()
    }

    /// Whether a parse went through without anything that fails a configuration (no rules is fine here).
    static func isClean(_ result: ParseResult) -> Bool {
        result.config != nil && !result.stoppedEarly && !result.diagnostics.contains(where: \.countsAgainstVerdict)
    }

    /// Parses text held in memory.
    static func parse(_ text: String, environment: PermissiveEnvironment = .init()) -> ParseResult {
        let reader = InMemorySourceReader(files: ["/test/smtpd.conf": text])
        return ConfigParser.parse(path: "/test/smtpd.conf", reader: reader, environment: environment)
    }

    /// Parses a file, making each file table a mapping when the parser refused it as a list, until nothing
    /// changes: the stand-in for the fixture's stub tables ("hash or list, chosen from how the config uses each
    /// table").
    static func parseAdaptingTables(path: String, reader: any SourceReader)
        -> (result: ParseResult, environment: PermissiveEnvironment)
    {
        var environment = PermissiveEnvironment()
        var result = ConfigParser.parse(path: path, reader: reader, environment: environment)
        for _ in 0..<8 {
            let paths = result.diagnostics.compactMap { misusedTableName($0.message) }.compactMap { name in
                if case .backend(_, let config?)? = result.config?.table(named: name)?.source { return config }
                return nil
            }
            let newPaths = Set(paths).subtracting(environment.hashPaths)
            guard !newPaths.isEmpty else { break }
            environment.hashPaths.formUnion(newPaths)
            result = ConfigParser.parse(path: path, reader: reader, environment: environment)
        }
        return (result, environment)
    }

    /// `X` in `table "X" may not be used for …` and `invalid use of table "X" as …`.
    private static func misusedTableName(_ message: String) -> String? {
        guard message.hasPrefix("table \"") || message.hasPrefix("invalid use of table \"") else { return nil }
        let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : nil
    }

    /// Prints a configuration, parses the text back and prints that again: the text must parse cleanly, give an
    /// equal `Config`, and print identically. Returns the printed text.
    @discardableResult
    static func expectRoundTrip(
        _ config: Config,
        environment: PermissiveEnvironment = .init(),
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> String {
        let text = ConfigPrinter.print(config)
        let reparsed = parse(text, environment: environment)
        let errors = reparsed.diagnostics.filter(\.countsAgainstVerdict)
        #expect(errors.isEmpty && !reparsed.stoppedEarly,
                "printed text does not parse: \(errors.map(describe))\n\(text)", sourceLocation: sourceLocation)
        guard let again = reparsed.config else {
            Issue.record("printed text gave no configuration\n\(text)", sourceLocation: sourceLocation)
            return text
        }
        #expect(again == config, "round trip changed the configuration: \(difference(config, again))\n\(text)",
                sourceLocation: sourceLocation)
        let textAgain = ConfigPrinter.print(again)
        #expect(textAgain == text, "printing is not idempotent:\n\(text)\n---\n\(textAgain)",
                sourceLocation: sourceLocation)
        return text
    }

    /// Parses source text, which must be clean (file tables are typed as its uses need), and checks both its
    /// canonical text and its round trip.
    static func expectCanonical(
        _ source: String,
        _ expected: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let reader = InMemorySourceReader(files: ["/test/smtpd.conf": source])
        let (result, environment) = parseAdaptingTables(path: "/test/smtpd.conf", reader: reader)
        guard isClean(result), let config = result.config else {
            Issue.record("source does not parse: \(result.diagnostics.map(describe))", sourceLocation: sourceLocation)
            return
        }
        let text = expectRoundTrip(config, environment: environment, sourceLocation: sourceLocation)
        #expect(text == expected, sourceLocation: sourceLocation)
    }

    static func describe(_ diagnostic: Diagnostic) -> String {
        "\(diagnostic.location.map { "\($0.line): " } ?? "")\(diagnostic.message)"
            + (diagnostic.detail.map { " (\($0))" } ?? "")
    }

    /// The first part of two configurations that differs, for failure messages.
    static func difference(_ a: Config, _ b: Config) -> String {
        func first<T: Equatable>(_ what: String, _ x: [T], _ y: [T]) -> String? {
            guard x != y else { return nil }
            if x.count != y.count { return "\(what): \(x.count) vs \(y.count)" }
            let index = x.indices.first { x[$0] != y[$0] }!
            return "\(what)[\(index)]: \(x[index]) vs \(y[index])"
        }
        return first("options", [a.options], [b.options]) ?? first("tables", a.tables, b.tables)
            ?? first("pkis", a.pkis, b.pkis) ?? first("cas", a.cas, b.cas)
            ?? first("mdaWrappers", a.mdaWrappers, b.mdaWrappers) ?? first("procs", a.procs, b.procs)
            ?? first("filters", a.filters, b.filters)
            ?? first("socketListener", [a.socketListener], [b.socketListener])
            ?? first("listeners", a.listeners, b.listeners) ?? first("actions", a.actions, b.actions)
            ?? first("rules", a.rules, b.rules) ?? "no difference found"
    }
}
