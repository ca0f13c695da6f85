/// Why a table file could not be loaded.
///
/// `logLines` are what OpenSMTPD 6.8 logs for the same failure, so that `smtpd -n` can print them unchanged;
/// `reason` is Tern's own, clearer explanation.
public struct TableLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The lines OpenSMTPD 6.8 logs, exactly, e.g. `/etc/x: fopen: No such file or directory` or
    /// `/etc/x: invalid map entry line 2`. Empty when 6.8 logs nothing (a `db:` file that does not open).
    public var logLines: [String]
    /// The table file.
    public var path: String
    /// The line at fault, for errors in the file's content.
    public var line: Int?
    /// What went wrong, in Tern's words, e.g. `line 2 has a key but no value`.
    public var reason: String

    public init(logLines: [String], path: String, line: Int? = nil, reason: String) {
        self.logLines = logLines
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
    }
}
