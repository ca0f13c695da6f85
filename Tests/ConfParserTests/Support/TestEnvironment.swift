@testable import ConfParser

/// A fixed machine for parser tests: interface `lo`, host `localhost`, a few services, in-memory table files.
struct TestEnvironment: ParserEnvironment {
    var tableFiles: [String: String] = [:]

    func interfaceAddresses(_ name: String) -> [String]? { name == "lo" ? ["127.0.0.1", "::1"] : nil }
    func resolveHost(_ name: String) -> [String]? { name == "localhost" ? ["127.0.0.1", "::1"] : nil }
    func servicePort(_ name: String) -> Int? { ["smtp": 25, "submission": 587, "smtps": 465][name] }
    func hasTableHelper(_ backend: String) -> Bool { SystemParserEnvironment.helperBackends.contains(backend) }

    func loadStaticTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        guard let text = tableFiles[path] else {
            return .failure(TableLoadError(logLines: ["\(path): fopen: No such file or directory"], path: path,
                                           line: nil, reason: "cannot open the file: No such file or directory"))
        }
        return Result { () throws(TableLoadError) in try StaticTableFile.parse(Array(text.utf8), path: path) }
    }

    func loadDBTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        .failure(TableLoadError(logLines: [], path: path, line: nil, reason: "no db files in tests"))
    }
}

/// Parses `text` as the file "F" and returns what `smtpd -n` would print (OpenSMTPD's lines only).
struct Parsed {
    var result: ParseResult
    var lines: [String]
    var config: Config { result.config! }
    var failed: Bool { result.failed }

    init(_ text: String, files: [String: String] = [:], tables: [String: String] = [:],
         macros: [(String, String)] = []) {
        var all = files
        all["F"] = text
        result = ConfigParser.parse(path: "F", options: .init(macros: macros),
                                    reader: InMemorySourceReader(files: all),
                                    environment: TestEnvironment(tableFiles: tables))
        let renderer = DiagnosticRenderer()
        lines = result.diagnostics.flatMap { renderer.render($0) }.filter { !$0.hasPrefix("  ") }
    }

    /// The same, for a complete configuration: a rule is appended so "no rules" does not interfere.
    static func withRule(_ text: String, tables: [String: String] = [:]) -> Parsed {
        Parsed(text + "\naction \"zz\" mbox\nmatch for local action \"zz\"\n", tables: tables)
    }
}
