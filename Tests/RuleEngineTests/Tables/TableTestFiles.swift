import Foundation

/// Temporary files for table tests, removed when the test process ends.
enum TableTestFiles {
    static let directory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-table-tests-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TableTestFiles.directory) }
        return path
    }()

    /// Writes `text` to a new file and returns its path.
    static func write(_ text: String, name: String = UUID().uuidString) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func replace(_ path: String, with text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
