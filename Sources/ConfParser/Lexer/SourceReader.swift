/// Reads configuration files for the lexer. Tests and fuzzers supply files from memory.
public protocol SourceReader: Sendable {
    /// The whole file, or an error text as strerror(3) words it (`No such file or directory`).
    func read(path: String) -> Result<[UInt8], SourceReadError>
}

public struct SourceReadError: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Files from a dictionary; for tests.
public struct InMemorySourceReader: SourceReader {
    public var files: [String: [UInt8]]
    public init(files: [String: String]) {
        self.files = files.mapValues { Array($0.utf8) }
    }
    public init(bytes: [String: [UInt8]]) {
        self.files = bytes
    }
    public func read(path: String) -> Result<[UInt8], SourceReadError> {
        if let bytes = files[path] { return .success(bytes) }
        return .failure(SourceReadError("No such file or directory"))
    }
}
