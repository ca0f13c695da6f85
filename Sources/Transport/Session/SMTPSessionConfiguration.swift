/// A listener's settings as the session needs them, with OpenSMTPD's defaults (`config.c`, `smtpd.h`).
public struct SMTPSessionConfiguration: Hashable, Sendable {
    /// `tls` / `tls-require` of a `listen on` line.
    public enum StartTLS: Hashable, Sendable {
        case unavailable
        /// `tls`: offered in EHLO while the session is not secure.
        case offered
        /// `tls-require`: before TLS, every command except EHLO, HELO, STARTTLS, NOOP, RSET and QUIT gets
        /// `530 5.5.1 Invalid command: Must issue a STARTTLS command first`.
        case required
    }

    /// `auth` / `auth-optional` of a `listen on` line.
    public enum Authentication: Hashable, Sendable {
        case unavailable
        /// `auth-optional`: AUTH is offered (on a secure session) but MAIL does not need it.
        case optional
        /// `auth`: MAIL before AUTH gets `530 5.5.1 Invalid command: Must issue an AUTH command first`.
        case required
    }

    /// The listener's `hostname` (default: the machine's name): the banner, EHLO and Received name unless the
    /// `hostnames` table gives another at connect time, and the domain of added Message-IDs.
    public var serverName: String
    /// The name in the banner and Received headers.
    public var product: String = "Tern"
    /// `smtp max-message-size`, 35 MiB by default (`DEFAULT_MAX_BODY_SIZE`).
    public var maximumMessageSize: Int = 35 * 1024 * 1024
    /// `smtp limit max-rcpt`, 1000 by default.
    public var maximumRecipients: Int = 1000
    /// `smtp limit max-mails`, 100 by default.
    public var maximumMessagesPerSession: Int = 100
    public var startTLS: StartTLS = .unavailable
    /// `smtps`: the session is secure from its first byte; STARTTLS is not offered.
    public var implicitTLS: Bool = false
    public var authentication: Authentication = .unavailable
    /// DSN parameters are accepted unless the listener says `no-dsn`.
    public var dsn: Bool = true
    /// `received-auth`: the Received header tells whether and as whom the client authenticated.
    public var receivedAuth: Bool = false
    /// `senders <T> masquerade`: an authenticated session's From field shows its MAIL FROM address.
    public var masqueradesFrom: Bool = false
    /// `proxy-v2`: connections start with a PROXY v2 header naming the real client.
    public var expectsProxyHeader: Bool = false
    /// `mask-src`: the Received header leaves out the client.
    public var maskSource: Bool = false
    /// Add Date and Message-ID when missing: OpenSMTPD does it on the local socket and on port 587; Tern also
    /// does it for every authenticated session (issue #4).
    public var addsMissingHeaders: Bool = false
    /// OpenSMTPD drops Bcc fields from every message it receives.
    public var stripsBcc: Bool = true
    /// `SMTPD_SESSION_TIMEOUT`: five minutes without input.
    public var idleTimeout: Duration = .seconds(300)
    /// Bad commands (unknown, malformed, out of order) tolerated before `421` and a disconnect; nil for no limit
    /// (OpenSMTPD's behaviour). See ``Replies/tooManyErrors``.
    public var maximumErrors: Int? = 20
    /// Command and AUTH lines, CRLF excluded: OpenSMTPD's 2048-byte `cmd` buffer less its NUL.
    public var maximumCommandLineLength: Int = 2047
    /// Message lines, CRLF excluded: OpenSMTPD's `SMTP_LINE_MAX` (65535, LF included) less CR and LF.
    public var maximumTextLineLength: Int = 65533

    /// - Parameter serverName: the listener's host name.
    public init(serverName: String) {
        self.serverName = serverName
    }
}
