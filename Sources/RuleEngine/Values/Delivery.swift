/// Where and how one final recipient's copy is delivered, with every `%{…}` already expanded.
public enum Delivery: Sendable, Hashable {
    /// A maildir under `path` (its `tmp/`, `new/` and `cur/`); `junk` files spam into `.Junk`.
    case maildir(path: String, junk: Bool)
    /// The user's system mailbox, `/var/mail/USER`.
    case mbox(path: String)
    /// An LMTP server at `destination` (`host:port` or a unix socket path). With `rcptTo`, the server is given
    /// the original recipient rather than the user name.
    case lmtp(destination: String, rcptTo: Bool)
    /// An `mda` command line run through `/bin/sh -c`.
    case mda(command: String)
    /// An alias or .forward entry `/path`: the message is appended to the file in mbox format.
    case file(path: String)
    /// An alias or .forward entry `|command`: the message is piped to the command.
    case pipe(command: String)
    /// A `relay` action: the message goes on to another server.
    case relay(RelayRoute)

    /// The method's name in `smtpctl route` output.
    public var methodName: String {
        switch self {
        case .maildir: "maildir"
        case .mbox: "mbox"
        case .lmtp: "lmtp"
        case .mda: "mda"
        case .file: "file"
        case .pipe: "pipe"
        case .relay: "relay"
        }
    }
}

/// Where a relayed message goes next, as far as the configuration says: the delivery process decides the rest
/// (MX lookup, connection attempts).
public enum RelayRoute: Sendable, Hashable {
    /// No `host` or `domain` table: the MX hosts of this domain.
    case mx(domain: String)
    /// A smarthost URL from `host T` (OpenSMTPD uses the table's entries in turn; this is the first).
    case smarthost(String)
    /// A relay URL that `domain T` maps the destination domain to.
    case domainRelay(String)
    /// The configuration gives no usable host; delivery would fail for this reason.
    case unavailable(reason: String)
}
