/// OpenSMTPD's fixed expansion limits.
public enum ExpansionLimits {
    /// `EXPAND_DEPTH`: an element more than this many levels below the RCPT fails the recipient (524).
    public static let depth = 10
    /// `MAX_FORWARD_SIZE`: a .forward of this many bytes or more is a temporary failure.
    public static let forwardFileSize = 4 * 1024
    /// `MAX_EXPAND_NODES`: once a recipient's expansion holds more elements than this, reading a .forward fails
    /// temporarily.
    public static let forwardNodes = 100
}

/// Settings of one expansion run that come from the configuration or the installation.
public struct ExpansionOptions: Sendable, Hashable {
    /// `smtp sub-addr-delim`: what separates `user` and `tag` in `user+tag`.
    public var subaddressDelimiter: Character
    /// The user that `|command` and `/file` entries of an aliases or virtual table run as (OpenSMTPD's
    /// `SMTPD_USER`: `_smtpd` upstream, `opensmtpd` on Debian).
    public var smtpdUser: String

    public init(subaddressDelimiter: Character = "+", smtpdUser: String = "_smtpd") {
        self.subaddressDelimiter = subaddressDelimiter
        self.smtpdUser = smtpdUser
    }
}
