/// A loaded table file, with what Tern wants to tell the user about it.
public struct TableLoadResult: Sendable, Hashable {
    /// The table as Tern uses it.
    public var contents: TableContents
    /// Tern-only remarks, each a complete line starting with the path. They never fail a configuration.
    public var warnings: [String]
    /// Whose rules produced `contents`.
    public var rules: TableFileRules
    /// How OpenSMTPD 7.x reads the file, when 7.x accepts it but reads it differently from `contents` (which
    /// then follows 6.8); `nil` otherwise.
    ///
    /// Tern accepts what either version accepts, so a check that fails on `contents` may pass on this reading;
    /// for example a `[::1]` list is a LIST to 7.x but a HASH to 6.8, which refuses it for `from src`.
    public var openSMTPD7Contents: TableContents?

    public init(
        contents: TableContents,
        warnings: [String] = [],
        rules: TableFileRules,
        openSMTPD7Contents: TableContents? = nil
    ) {
        self.contents = contents
        self.warnings = warnings
        self.rules = rules
        self.openSMTPD7Contents = openSMTPD7Contents
    }
}

/// The reader that gave a table its contents.
public enum TableFileRules: Sendable, Hashable {
    /// OpenSMTPD 6.8's table_static.c, what Debian 12 ships.
    case openSMTPD68
    /// OpenSMTPD 7.x's `parse_table_line` (util.c), used when 6.8 refuses the file but 7.x accepts it.
    case openSMTPD7
    /// A Berkeley DB hash file written by makemap (`db:` tables).
    case berkeleyDB
}
