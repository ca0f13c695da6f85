/// The reserved words of smtpd.conf. An unquoted word equal to one of these (case-sensitively) is that keyword
/// and can never be a name; quoting it makes it an ordinary string.
///
/// The set is OpenSMTPD 6.8's, plus `protocols` from 7.x. Some words are reserved without being used by any
/// statement (`data-line`, `noop`, `quit`, `rset`, `recipient`, `smtp-in`, `smtp-out`, `tagged`).
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    case action, admd, alias, any, auth
    case authOptional = "auth-optional"
    case backup, bounce, bypass, ca, cert, chain, chroot, ciphers, commit, compression, connect, data
    case dataLine = "data-line"
    case dhe, disconnect, domain, ehlo, encryption
    case expandOnly = "expand-only"
    case fcrdns, filter, `for`
    case forwardOnly = "forward-only"
    case from, group, helo
    case heloSrc = "helo-src"
    case host, hostname, hostnames, include, inet4, inet6, junk, key, limit, listen, lmtp, local
    case mailFrom = "mail-from"
    case maildir
    case maskSrc = "mask-src"
    case masquerade, match
    case maxDeferred = "max-deferred"
    case maxMessageSize = "max-message-size"
    case mbox, mda, mta, mx
    case noDSN = "no-dsn"
    case noVerify = "no-verify"
    case noop, on, phase, pki, port, proc
    case procExec = "proc-exec"
    case protocols
    case proxyV2 = "proxy-v2"
    case queue, quit
    case rcptTo = "rcpt-to"
    case rdns
    case receivedAuth = "received-auth"
    case recipient, regex, reject, relay, report, rewrite, rset, scheduler, senders, smtp
    case smtpIn = "smtp-in"
    case smtpOut = "smtp-out"
    case smtps, socket, src, srs
    case subAddrDelim = "sub-addr-delim"
    case table, tag, tagged, tls
    case tlsRequire = "tls-require"
    case ttl, user, userbase, verify, virtual
    case warnInterval = "warn-interval"
    case wrapper

    /// Keywords that OpenSMTPD 6.8 does not reserve. A 6.8 configuration may use them as plain words,
    /// so the parser accepts them wherever a string is expected.
    public var isNewerThan68: Bool { self == .protocols }

    static let byBytes: [[UInt8]: Keyword] = {
        var table: [[UInt8]: Keyword] = [:]
        for keyword in Keyword.allCases { table[Array(keyword.rawValue.utf8)] = keyword }
        return table
    }()
}
