#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Who this machine is, as far as the built-in tables care: the server name and the addresses of its
/// interfaces. OpenSMTPD reads both once, before parsing the configuration (`config_default`).
public struct LocalHostIdentity: Sendable, Hashable {
    /// OpenSMTPD's `sc_hostname`: the first line of /etc/mailname, else the host name, qualified through
    /// getaddrinfo when it has no dot.
    public var serverName: String
    /// Every interface address in OpenSMTPD's text form (`ss_to_text`): `192.0.2.1`, `[2001:db8::1]`
    /// (brackets included, no `%scope`).
    public var addresses: [String]

    public init(serverName: String, addresses: [String]) {
        self.serverName = serverName
        self.addresses = addresses
    }

    /// The running machine, read as OpenSMTPD 6.8 on Debian reads it.
    /// - Parameter mailnamePath: Debian's `/etc/mailname` (`SMTPD_CONFDIR/mailname`).
    public static func system(mailnamePath: String = "/etc/mailname") -> LocalHostIdentity {
        LocalHostIdentity(serverName: serverName(mailnamePath: mailnamePath), addresses: interfaceAddresses())
    }

    /// `getmailname`: the mailname file's first line (its newline removed, nothing else), else gethostname,
    /// canonicalised with getaddrinfo(AI_CANONNAME) when it has no dot.
    static func serverName(mailnamePath: String) -> String {
        if let file = fopen(mailnamePath, "r") {
            defer { fclose(file) }
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            if getline(&line, &capacity, file) > 0, let line {
                var name = String(cString: line)
                if name.hasSuffix("\n") { name.removeLast() }
                return name
            }
        }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let host = Self.string(buffer)
        if host.contains(".") { return host }
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return host }
        defer { freeaddrinfo(result) }
        return first.pointee.ai_canonname.map { String(cString: $0) } ?? host
    }

    /// getifaddrs: IPv4 and IPv6 addresses of every interface, in its order.
    static func interfaceAddresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [String] = []
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { socket in
                    var raw = socket.pointee.sin_addr
                    if let text = withUnsafeBytes(of: &raw, { Self.text(AF_INET, $0) }) { addresses.append(text) }
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { socket in
                    var raw = socket.pointee.sin6_addr
                    if let text = withUnsafeBytes(of: &raw, { Self.text(AF_INET6, $0) }) {
                        addresses.append("[" + text + "]")
                    }
                }
            default:
                continue
            }
        }
        return addresses
    }

    /// inet_ntop: `192.0.2.1`, `2001:db8::1` (no scope).
    private static func text(_ family: Int32, _ address: UnsafeRawBufferPointer) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address.baseAddress, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return string(buffer)
    }

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
