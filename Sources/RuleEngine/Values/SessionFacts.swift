/// What the rule engine knows about the SMTP session a recipient arrived in: the client, the listener, and what
/// the client said and proved so far. The same facts are reused for every address an expansion produces.
///
/// The fields hold the exact texts that OpenSMTPD puts into `struct envelope`, because rules compare them with
/// table entries: the client address is `a.b.c.d`, `[v6]` or `local`, and a missing reverse name is
/// `<unknown>`.
///
/// - SeeAlso: `smtp_tx()` in OpenSMTPD's smtp_session.c, which copies these into each envelope.
public struct SessionFacts: Sendable, Hashable {
    /// The client address as OpenSMTPD's `ss_to_text` writes it: `192.0.2.1`, `[2001:db8::1]`, or `local` for the
    /// local enqueue socket. `from src` and `from local` look this text up.
    public var clientAddress: String
    /// The client's reverse DNS name, or nil when it has none. For the socket it is the server's own name.
    public var reverseName: String?
    /// The `tag` of the listener that accepted the session, or nil.
    public var listenerTag: String?
    /// The HELO/EHLO argument; empty before the client sent one.
    public var helo: String
    /// The user name the client authenticated as, or nil when it has not authenticated. Mail from the local socket
    /// counts as authenticated with an empty name, as in OpenSMTPD.
    public var authenticatedUser: String?
    /// Whether the session runs over TLS (STARTTLS done, or an smtps listener).
    public var tls: Bool

    public init(
        clientAddress: String,
        reverseName: String? = nil,
        listenerTag: String? = nil,
        helo: String = "",
        authenticatedUser: String? = nil,
        tls: Bool = false
    ) {
        self.clientAddress = clientAddress
        self.reverseName = reverseName
        self.listenerTag = listenerTag
        self.helo = helo
        self.authenticatedUser = authenticatedUser
        self.tls = tls
    }

    /// A session on the local enqueue socket (sendmail, mail(1)): client `local`, the server's name as reverse
    /// name, and authenticated with an empty user name (`smtp_session()` is called with a host name for these,
    /// which sets `SF_AUTHENTICATED`).
    public static func localSocket(serverName: String, listenerTag: String? = nil, helo: String = "")
        -> SessionFacts
    {
        SessionFacts(
            clientAddress: SessionFacts.socketAddressText, reverseName: serverName, listenerTag: listenerTag,
            helo: helo, authenticatedUser: "", tls: false)
    }

    /// The client address text of the local socket.
    public static let socketAddressText = "local"

    /// What OpenSMTPD stores when the client has no reverse name.
    public static let unknownReverseName = "<unknown>"

    public var isLocalSocket: Bool { clientAddress == Self.socketAddressText }
    public var isAuthenticated: Bool { authenticatedUser != nil }

    /// The reverse name as OpenSMTPD stores it: the name, or `<unknown>`.
    public var reverseNameText: String { reverseName ?? Self.unknownReverseName }

    /// The client address text for an IP address written in any form `inet_pton` reads (`::1`, `[::1]`,
    /// `192.0.2.1`): `192.0.2.1` or `[::1]`. Returns nil for anything else.
    public static func clientAddressText(forIP text: String) -> String? {
        var ip = text
        if ip.hasPrefix("[") && ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        if ip.lowercased().hasPrefix("ipv6:") { ip = String(ip.dropFirst(5)) }
        return IPText.clientText(ip)
    }
}
