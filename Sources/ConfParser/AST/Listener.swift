/// `listen on socket …`: the local enqueue socket that sendmail uses.
public struct SocketListener: Sendable, Hashable {
    public var filter: FilterRef?
    public var maskSource: Bool
    public var tag: String?
    /// [7.5+] `no-dsn` on the socket.
    public var noDSN: Bool
    public var location: SourceLocation

    public init(filter: FilterRef? = nil, maskSource: Bool = false, tag: String? = nil, noDSN: Bool = false,
                location: SourceLocation = .unknown) {
        self.filter = filter
        self.maskSource = maskSource
        self.tag = tag
        self.noDSN = noDSN
        self.location = location
    }
}

/// `listen on IFACE|ADDRESS|HOST [options]`.
public struct Listener: Sendable, Hashable {
    public enum Family: String, Sendable, Hashable { case inet4, inet6 }

    public enum Port: Sendable, Hashable {
        case number(Int)
        /// A service name, resolved through /etc/services (`smtp`, `submission`, …).
        case service(String, resolved: Int)

        public var number: Int {
            switch self {
            case .number(let n): n
            case .service(_, let n): n
            }
        }
    }

    public enum TLSMode: Sendable, Hashable {
        case starttls
        case starttlsRequire(verify: Bool)
        case smtps(verify: Bool)
    }

    public enum Auth: Sendable, Hashable {
        case required(TableRef?)
        case optional(TableRef?)
    }

    public var interface: String
    public var family: Family?
    public var port: Port?
    public var tls: TLSMode?
    /// One name in 6.8; up to 32 in 7.x (SNI). Written as the user wrote them.
    public var pkis: [String]
    public var ca: String?
    public var auth: Auth?
    public var tag: String?
    public var hostname: String?
    public var hostnames: TableRef?
    public var senders: TableRef?
    public var masquerade: Bool
    public var maskSource: Bool
    public var receivedAuth: Bool
    public var noDSN: Bool
    public var proxyV2: Bool
    public var filter: FilterRef?
    /// [7.x] `ciphers` and `protocols`.
    public var ciphers: String?
    public var protocols: String?
    public var location: SourceLocation

    public init(interface: String, location: SourceLocation = .unknown) {
        self.interface = interface
        self.pkis = []
        self.masquerade = false
        self.maskSource = false
        self.receivedAuth = false
        self.noDSN = false
        self.proxyV2 = false
        self.location = location
    }

    /// The port the listener binds when none was given: 465 for smtps, 25 otherwise.
    public var effectivePort: Int {
        if let port { return port.number }
        if case .smtps = tls { return 465 }
        return 25
    }
}
