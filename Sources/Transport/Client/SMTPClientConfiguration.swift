/// How one outgoing session behaves, independent of the socket: the protocol, the name it greets with, its TLS
/// policy and its credentials. The channel layer decides how TLS is verified.
public struct SMTPClientConfiguration: Sendable, Hashable {
    public enum ProtocolKind: Sendable, Hashable {
        /// RFC 5321: EHLO (HELO as a fallback), one final reply for all recipients.
        case smtp
        /// RFC 2033: LHLO, one final reply per accepted recipient.
        case lmtp
    }

    public enum TLSPolicy: Sendable, Hashable {
        /// No STARTTLS, even when offered (`smtp+notls://`, `lmtp://`).
        case never
        /// STARTTLS when the server offers it; plain text otherwise (`smtp://`, the default for MX delivery).
        case opportunistic
        /// STARTTLS or fail (`smtp+tls://`, action `tls`).
        case required
        /// TLS from the first byte (`smtps://`): the channel starts with TLS, the session never sends STARTTLS.
        case implicit
    }

    public var protocolKind: ProtocolKind
    /// The EHLO/LHLO argument: the server's name or the action's `helo`.
    public var heloName: String
    public var tls: TLSPolicy
    /// AUTH to a smarthost (`label@host` with `auth <table>`); only ever sent over TLS.
    public var credentials: SMTPClientCredentials?

    public init(protocolKind: ProtocolKind = .smtp, heloName: String, tls: TLSPolicy = .opportunistic,
        credentials: SMTPClientCredentials? = nil)
    {
        self.protocolKind = protocolKind
        self.heloName = heloName
        self.tls = tls
        self.credentials = credentials
    }
}

/// A user name and password for AUTH PLAIN or LOGIN. Never printed: `description` is redacted.
public struct SMTPClientCredentials: Sendable, Hashable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "\(username):********" }
}
