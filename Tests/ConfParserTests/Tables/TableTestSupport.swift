@testable import ConfParser

/// Helpers shared by the table loader tests.
enum TableTestSupport {
    /// `Tests/Fixtures/tables`, found from this file's path so tests run from any directory.
    static let fixturesDirectory: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tables/TableTestSupport.swift, ConfParserTests
        return parts.joined(separator: "/") + "/Fixtures/tables"
    }()

    static func fixture(_ name: String) -> String { fixturesDirectory + "/" + name }

    /// Parses text as a table file named `/t`.
    static func parse(_ text: String) throws(TableLoadError) -> TableLoadResult {
        try StaticTableFile.parse(Array(text.utf8), path: "/t")
    }

    /// The error for text that must not load.
    static func error(_ text: String) -> TableLoadError? {
        do throws(TableLoadError) {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    /// The entries of a list.
    static func list(_ keys: String...) -> [String: String?] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, nil) })
    }
}
