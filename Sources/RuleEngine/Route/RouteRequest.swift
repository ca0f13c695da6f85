/// The question `smtpctl route` answers: where would mail for this recipient go, sent in this session?
///
/// Every field is text from the command line; `RouteExplainer` checks and converts it. Without `--src`, the mail
/// is taken to come from the local socket (as from sendmail on the server itself).
public struct RouteRequest: Sendable, Hashable {
    /// `--to`: the recipient, with or without angle brackets; a bare user gets the server's name.
    public var recipient: String
    /// `--from`: the sender; nil or empty means the null sender `<>`.
    public var sender: String?
    /// `--src`: the client's IP address. Nil (and no `socket`) means the local socket.
    public var clientAddress: String?
    /// `--rdns`: the client's reverse DNS name.
    public var reverseName: String?
    /// `--helo`: what the client said in HELO/EHLO.
    public var helo: String?
    /// `--auth`: the user the client authenticated as.
    public var authenticatedUser: String?
    /// `--tag`: the listener's tag (for `--socket`, the socket listener's tag by default).
    public var tag: String?
    /// `--tls`: the session runs over TLS.
    public var tls: Bool
    /// `--socket`: the session comes through the local enqueue socket.
    public var socket: Bool
    /// The server's name: the domain of a bare recipient, and the socket client's reverse name.
    public var serverName: String

    public init(
        recipient: String, sender: String? = nil, clientAddress: String? = nil, reverseName: String? = nil,
        helo: String? = nil, authenticatedUser: String? = nil, tag: String? = nil, tls: Bool = false,
        socket: Bool = false, serverName: String = "localhost"
    ) {
        self.recipient = recipient
        self.sender = sender
        self.clientAddress = clientAddress
        self.reverseName = reverseName
        self.helo = helo
        self.authenticatedUser = authenticatedUser
        self.tag = tag
        self.tls = tls
        self.socket = socket
        self.serverName = serverName
    }
}

/// A route question that cannot be asked: bad input, or tables that do not match the configuration.
public enum RouteError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidRecipient(String, MailPathError)
    case invalidSender(String, MailPathError)
    case invalidClientAddress(String)
    case socketWithClientAddress
    case missingTable(MissingTableError)

    public var description: String {
        switch self {
        case .invalidRecipient(let text, let error): "invalid recipient \"\(text)\": \(error)"
        case .invalidSender(let text, let error): "invalid sender \"\(text)\": \(error)"
        case .invalidClientAddress(let text): "invalid client address \"\(text)\": give an IPv4 or IPv6 address"
        case .socketWithClientAddress: "--socket and --src exclude each other"
        case .missingTable(let error): error.description
        }
    }
}
