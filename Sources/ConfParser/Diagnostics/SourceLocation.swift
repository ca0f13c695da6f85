/// Where a token or statement was written: the file as it was named to the parser, a 1-based line and column.
///
/// Two locations always compare equal and hash alike. A location is metadata about a value, not part of it,
/// so a configuration printed and parsed back equals the original although every statement moved.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static let unknown = SourceLocation(file: "", line: 0, column: 0)

    public static func == (lhs: SourceLocation, rhs: SourceLocation) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    public var description: String { "\(file):\(line):\(column)" }
}
