#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the parser asks of the machine it runs on. OpenSMTPD resolves listener names, service names and table
/// helpers while parsing; tests substitute a fixed environment.
public protocol ParserEnvironment: Sendable {
    /// The addresses of an interface (or OpenBSD interface group), or nil when no interface has that name.
    func interfaceAddresses(_ name: String) -> [String]?
    /// `getaddrinfo` on a host name: its addresses, or nil when it does not resolve.
    func resolveHost(_ name: String) -> [String]?
    /// `getservbyname(name, "tcp")`.
    func servicePort(_ name: String) -> Int?
    /// Whether a table backend that OpenSMTPD would run as a helper program (`table-NAME`) is available.
    func hasTableHelper(_ backend: String) -> Bool
    /// Reads a table file for validation at parse time.
    func loadStaticTable(path: String) -> Result<TableLoadResult, TableLoadError>
    func loadDBTable(path: String) -> Result<TableLoadResult, TableLoadError>
}

/// The real machine.
public struct SystemParserEnvironment: ParserEnvironment {
    /// The table backends that Debian's opensmtpd-extras installs as `table-NAME` helpers. Tern accepts these
    /// names (and serves `passwd` itself); any other unknown backend is an error, as in OpenSMTPD.
    public static let helperBackends: Set<String> = [
        "ldap", "mysql", "passwd", "postgres", "redis", "socketmap", "sqlite",
    ]

    public init() {}

    public func interfaceAddresses(_ name: String) -> [String]? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var found = false
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let cName = entry.pointee.ifa_name, String(cString: cName) == name else { continue }
            found = true
            guard let address = entry.pointee.ifa_addr else { continue }
            if let text = Self.numericHost(address) { addresses.append(text) }
        }
        return found ? addresses : nil
    }

    public func resolveHost(_ name: String) -> [String]? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, let text = Self.numericHost(address) { addresses.append(text) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    public func servicePort(_ name: String) -> Int? {
        guard let entry = getservbyname(name, "tcp") else { return nil }
        return Int(UInt16(bigEndian: UInt16(truncatingIfNeeded: entry.pointee.s_port)))
    }

    public func hasTableHelper(_ backend: String) -> Bool {
        Self.helperBackends.contains(backend)
    }

    public func loadStaticTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        Result { () throws(TableLoadError) in try StaticTableFile.load(path: path) }
    }

    public func loadDBTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        Result { () throws(TableLoadError) in try BerkeleyDBTableFile.load(path: path) }
    }

    /// The numeric text of an IPv4 or IPv6 socket address (with `%scope` for link-local), or nil.
    public static func numericHost(_ address: UnsafeMutablePointer<sockaddr>) -> String? {
        let family = Int32(address.pointee.sa_family)
        guard family == AF_INET || family == AF_INET6 else { return nil }
        let length = family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, socklen_t(length), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0
        else { return nil }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
