/// What reading a user's `~/.forward` gave.
public enum ForwardFileResult: Sendable, Hashable {
    /// There is no .forward (or no home directory): deliver to the user.
    case missing
    /// The file's bytes.
    case contents([UInt8])
    /// It could not be read now (too many open files, an I/O error, a sticky home directory): `424`.
    case temporaryFailure(String)
    /// It must not be used (not a regular file, a symbolic link, owned by someone else, writable by others): `524`.
    case permanentFailure(String)
}

/// The files expansion reads besides tables: `~/.forward` and alias `:include:` files. Injected so that tests
/// and `smtpctl route` can supply them.
public protocol ExpansionFileReader: Sendable {
    /// Reads `user.directory/.forward`, with OpenSMTPD's safety checks.
    func forwardFile(for user: TableValue.UserInfo) -> ForwardFileResult
    /// Reads an `:include:` file; nil when it cannot be opened (OpenSMTPD logs that and goes on without it).
    func includeFile(at path: String) -> [UInt8]?
}

/// No .forward and no include files: for callers that want tables only.
public struct NoExpansionFiles: ExpansionFileReader {
    public init() {}
    public func forwardFile(for user: TableValue.UserInfo) -> ForwardFileResult { .missing }
    public func includeFile(at path: String) -> [UInt8]? { nil }
}
