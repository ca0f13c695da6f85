import ConfParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One address of one network interface, as getifaddrs(3) lists it.
public struct NetworkInterface: Sendable, Hashable {
    public var name: String
    /// Numeric, with a `%scope` for IPv6 link-local addresses.
    public var address: String

    /// Every IPv4 and IPv6 address of every interface that is up: what `listen on all` binds.
    @Sendable public static func all() -> [NetworkInterface] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var found: [NetworkInterface] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard entry.pointee.ifa_flags & UInt32(IFF_UP) != 0, let name = entry.pointee.ifa_name,
                let address = entry.pointee.ifa_addr, let text = SystemParserEnvironment.numericHost(address)
            else { continue }
            found.append(NetworkInterface(name: String(cString: name), address: text))
        }
        return found
    }

    /// The interfaces that carry a default route (`egress`, as OpenBSD's interface group means it), read from
    /// /proc/net/route and /proc/net/ipv6_route.
    public static func defaultRouteInterfaces() -> Set<String> {
        var names: Set<String> = []
        if let text = readText("/proc/net/route") {
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
                if fields.count > 2, fields[1] == "00000000" { names.insert(String(fields[0])) }
            }
        }
        if let text = readText("/proc/net/ipv6_route") {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count == 10, fields[0] == String(repeating: "0", count: 32), fields[1] == "00",
                    fields[9] != "lo"
                {
                    names.insert(String(fields[9]))
                }
            }
        }
        return names
    }

    private static func readText(_ path: String) -> String? { try? FileText.read(path) }
}
