import Dispatch
public import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A name server to ask instead of those in /etc/resolv.conf: a documented test override (glibc always asks
/// port 53, where a test cannot bind a server of its own next to the system's). IPv4 only.
public struct DNSNameServer: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `127.0.0.1:5353`.
    public init?(_ text: String) {
        guard let address = HostAndPort(text), !address.host.contains(":") else { return nil }
        self.init(host: address.host, port: address.port)
    }

    public var description: String { "\(host):\(port)" }
}

/// One MX host of a domain.
public struct MXHost: Sendable, Hashable {
    public var preference: Int
    public var name: String

    public init(preference: Int, name: String) {
        self.preference = preference
        self.name = name
    }
}

/// Why a lookup gave no answer. OpenSMTPD's `mta_on_mx` decides which of these bounce: see
/// ``isPermanent`` and ``relayText``.
public enum DNSLookupError: Error, Sendable, Hashable {
    /// SERVFAIL, a timeout, no reachable server.
    case temporary(String)
    /// NXDOMAIN.
    case nameNotFound
    /// The name exists but has no records of the type asked.
    case noData
    /// RFC 7505: the domain's only MX is `0 .`.
    case nullMX

    /// Whether the message should bounce rather than wait: a domain that does not exist or accepts no mail.
    public var isPermanent: Bool {
        switch self {
        case .nameNotFound, .nullMX: true
        case .temporary, .noData: false
        }
    }

    /// OpenSMTPD's texts for an MX lookup that failed.
    public var relayText: String {
        switch self {
        case .temporary: "Temporary failure in MX lookup"
        case .nameNotFound: "Domain does not exist"
        case .noData: "No MX found for domain"
        case .nullMX: "Domain does not accept mail"
        }
    }
}

/// MX and address lookups for the relay, through the system's resolver, off the event loop.
///
/// Blocking resolver calls run on a concurrent dispatch queue of their own, so a slow name server holds one
/// worker thread and never an event loop or the cooperative pool.
public struct DNSResolver: Sendable {
    /// Ask this server instead of /etc/resolv.conf's (tests); nil for the system's configuration.
    public var nameServer: DNSNameServer?
    /// How many CNAMEs are followed before giving up.
    static let maximumCNAMEChain = 8

    private static let queue = DispatchQueue(label: "tern.dns", attributes: .concurrent)

    public init(nameServer: DNSNameServer? = nil) {
        self.nameServer = nameServer
    }

    /// The resolver the daemon uses: the system's, or the server named by `TERN_DNS_SERVER=host:port`.
    public static func fromEnvironment() -> DNSResolver {
        DNSResolver(nameServer: getenv("TERN_DNS_SERVER").flatMap { DNSNameServer(String(cString: $0)) })
    }

    /// The hosts to try for `domain`, best first: by preference, in random order among equal preferences
    /// (RFC 5321 §5.1). A domain without MX records that has an address is its own MX (the implicit MX).
    /// - Throws: ``DNSLookupError``; `.nullMX` for RFC 7505's `MX 0 .`.
    public func mxHosts(for domain: String) async throws(DNSLookupError) -> [MXHost] {
        let query = DNSQuery(nameServer: nameServer)
        let records: [DNSQuery.Record]
        do {
            records = try await Self.blocking { () throws(DNSLookupError) in
                try Self.followingCNAMEs(domain, type: DNSQuery.typeMX, query: query)
            }
        } catch .noData {
            return [MXHost(preference: 0, name: domain)]
        }
        var hosts: [MXHost] = []
        for case .mx(let preference, let exchange) in records {
            hosts.append(MXHost(preference: preference, name: exchange))
        }
        if hosts.contains(where: { $0.name.isEmpty }) {
            // RFC 7505 §3: a null MX is the only MX; anything else is a broken setup, skip the root entries.
            if hosts.count == 1 { throw .nullMX }
            hosts.removeAll { $0.name.isEmpty }
        }
        guard !hosts.isEmpty else { return [MXHost(preference: 0, name: domain)] }
        return Dictionary(grouping: hosts, by: \.preference).sorted { $0.key < $1.key }.flatMap { $0.value.shuffled() }
    }

    /// The addresses of a host, IPv4 first, each with `port`. An address literal (`192.0.2.1`, `[::1]`) is
    /// used as it is. With a test name server, A and AAAA are asked of it; otherwise getaddrinfo(3) answers,
    /// which also reads /etc/hosts, as OpenSMTPD's resolver does for smarthosts.
    public func addresses(of host: String, port: Int) async throws(DNSLookupError) -> [SocketAddress] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let literal = bare.lowercased().hasPrefix("ipv6:") ? String(bare.dropFirst(5)) : bare
        if let address = try? SocketAddress(ipAddress: literal, port: port) { return [address] }
        let nameServer = self.nameServer
        return try await Self.blocking { () throws(DNSLookupError) in
            if let nameServer {
                return try Self.queryAddresses(host, port: port, query: DNSQuery(nameServer: nameServer))
            }
            return try Self.getaddrinfo(host, port: port)
        }
    }

    // MARK: - Blocking work

    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws(DNSLookupError) -> T)
        async throws(DNSLookupError) -> T
    {
        let result: Result<T, DNSLookupError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(DNSLookupError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// The records of `type`, following a CNAME whose target the answer did not already cover.
    static func followingCNAMEs(_ name: String, type: Int32, query: DNSQuery) throws(DNSLookupError)
        -> [DNSQuery.Record]
    {
        var current = name
        for _ in 0...maximumCNAMEChain {
            let records = try query.run(current, type: type)
            let wanted = records.filter {
                switch $0 {
                case .cname: false
                default: true
                }
            }
            if !wanted.isEmpty { return wanted }
            guard case .cname(let target)? = records.last else { throw .noData }
            current = target
        }
        throw .temporary("CNAME chain too long for \(name)")
    }

    private static func queryAddresses(_ host: String, port: Int, query: DNSQuery) throws(DNSLookupError)
        -> [SocketAddress]
    {
        var addresses: [SocketAddress] = []
        var firstError: DNSLookupError?
        for type in [DNSQuery.typeA, DNSQuery.typeAAAA] {
            do {
                for record in try followingCNAMEs(host, type: type, query: query) {
                    switch record {
                    case .a(let bytes): addresses.append(try socketAddress(bytes, family: AF_INET, port: port))
                    case .aaaa(let bytes): addresses.append(try socketAddress(bytes, family: AF_INET6, port: port))
                    default: continue
                    }
                }
            } catch {
                // A temporary failure of either question outweighs "no such records" of the other.
                if case .temporary = error { firstError = error } else if firstError == nil { firstError = error }
            }
        }
        guard !addresses.isEmpty else { throw firstError ?? .noData }
        return addresses
    }

    private static func socketAddress(_ bytes: [UInt8], family: Int32, port: Int) throws(DNSLookupError)
        -> SocketAddress
    {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, bytes, &text, socklen_t(text.count)) != nil,
            let address = try? SocketAddress(ipAddress: String(cString: text), port: port)
        else { throw .temporary("Bad address record") }
        return address
    }

    private static func getaddrinfo(_ host: String, port: Int) throws(DNSLookupError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = Glibc.getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            switch status {
            case EAI_NONAME: throw .nameNotFound
            default: throw .temporary("Temporary failure resolving \(host)")
            }
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = list
        while let current = node {
            if let raw = current.pointee.ai_addr {
                switch Int32(raw.pointee.sa_family) {
                case AF_INET:
                    raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        addresses.append(SocketAddress($0.pointee, host: host))
                    }
                case AF_INET6:
                    raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        addresses.append(SocketAddress($0.pointee, host: host))
                    }
                default:
                    break
                }
            }
            node = current.pointee.ai_next
        }
        var seen = Set<SocketAddress>()
        let unique = addresses.filter { seen.insert($0).inserted }
        return unique.filter { $0.protocol == .inet } + unique.filter { $0.protocol != .inet }
    }
}
