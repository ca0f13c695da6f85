#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An address with a prefix length, as OpenSMTPD's `text_to_netaddr` reads it: the `netaddr` service's table
/// entries (`from src`, `from rdns`) and the client address compared with them.
///
/// Accepted forms, after an optional `IPv6:` (any case):
/// - IPv4 as glibc's `inet_net_pton` reads it (`IPv4NetworkText`): `192.0.2.1`, `10/8`, `10.1`;
/// - IPv6 as `inet_pton` reads it, optionally in `[...]` (which may hold another `IPv6:`), with an optional
///   `/bits` (0…128, default 128).
///
/// - SeeAlso: smtpd-conf.md §5, "netaddr".
public struct NetAddress: Sendable, Hashable {
    public enum Address: Sendable, Hashable {
        /// Host byte order.
        case ipv4(UInt32)
        /// Network byte order, high and low halves.
        case ipv6(UInt64, UInt64)
    }

    public var address: Address
    public var bits: Int

    public init(address: Address, bits: Int) {
        self.address = address
        self.bits = bits
    }

    /// `text_to_netaddr`, or nil when the text is not an address.
    public init?(text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    /// Whether `candidate` lies inside this network: same family, and equal under this entry's mask (OpenSMTPD's
    /// `table_match_mask`). IPv4-mapped IPv6 addresses are IPv6, so they never match IPv4 entries.
    public func contains(_ candidate: NetAddress) -> Bool {
        switch (address, candidate.address) {
        case (.ipv4(let network), .ipv4(let other)):
            let mask: UInt32 = bits >= 32 ? .max : (bits <= 0 ? 0 : ~(UInt32.max >> bits))
            return network & mask == other & mask
        case (.ipv6(let networkHigh, let networkLow), .ipv6(let otherHigh, let otherLow)):
            let highMask: UInt64 = bits >= 64 ? .max : (bits <= 0 ? 0 : ~(UInt64.max >> bits))
            let lowBits = bits - 64
            let lowMask: UInt64 = lowBits >= 64 ? .max : (lowBits <= 0 ? 0 : ~(UInt64.max >> lowBits))
            return networkHigh & highMask == otherHigh & highMask && networkLow & lowMask == otherLow & lowMask
        default:
            return false
        }
    }

    // MARK: - Reading text

    /// NI_MAXHOST: the IPv6 branch copies the text into a buffer of this size.
    private static let hostBufferSize = 1025
    /// `sizeof("xxxx:xxxx:xxxx:xxxx:xxxx:xxxx:255:255:255:255/128")`, the buffer of `broken_inet_net_pton_ipv6`.
    private static let ipv6BufferSize = 50

    static func parse(_ text: UnsafeRawBufferPointer) -> NetAddress? {
        var text = text
        dropIPv6Prefix(&text)
        if let network = IPv4NetworkText.parse(text) {
            return NetAddress(address: .ipv4(network.address), bits: network.bits)
        }
        guard text.count < hostBufferSize else { return nil }
        if text.first == UInt8(ascii: "[") {
            text = UnsafeRawBufferPointer(rebasing: text.dropFirst())
            dropIPv6Prefix(&text)
            guard text.last == UInt8(ascii: "]") else { return nil }
            text = UnsafeRawBufferPointer(rebasing: text.dropLast())
        }
        return parseIPv6(text)
    }

    /// OpenSMTPD's fallback for a libc whose `inet_net_pton` has no IPv6 (glibc's has none): `inet_pton` on
    /// the part before `/`, then `strtonum(bits, 0, 128)`.
    private static func parseIPv6(_ text: UnsafeRawBufferPointer) -> NetAddress? {
        guard text.count < ipv6BufferSize else { return nil }
        let slash = text.firstIndex(of: UInt8(ascii: "/"))
        let addressText = UnsafeRawBufferPointer(rebasing: text[..<(slash ?? text.endIndex)])
        guard let (high, low) = ipv6Halves(addressText) else { return nil }
        var bits = 128
        if let slash {
            guard let width = StrToNum.parse(UnsafeRawBufferPointer(rebasing: text[(slash + 1)...]), in: 0...128)
            else { return nil }
            bits = Int(width)
        }
        return NetAddress(address: .ipv6(high, low), bits: bits)
    }

    /// `inet_pton(AF_INET6, …)`.
    static func ipv6Halves(_ text: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        var cString = [CChar](repeating: 0, count: text.count + 1)
        for (index, byte) in text.enumerated() {
            guard byte != 0 else { return nil }
            cString[index] = CChar(bitPattern: byte)
        }
        var address = in6_addr()
        guard inet_pton(AF_INET6, cString, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { raw in
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 { high = high << 8 | UInt64(raw[index]) }
            for index in 8..<16 { low = low << 8 | UInt64(raw[index]) }
            return (high, low)
        }
    }

    private static func dropIPv6Prefix(_ text: inout UnsafeRawBufferPointer) {
        let prefix: [UInt8] = Array("ipv6:".utf8)
        guard text.count >= prefix.count,
            zip(text.prefix(prefix.count), prefix).allSatisfy({ TableLookupKey.fold($0) == $1 })
        else { return }
        text = UnsafeRawBufferPointer(rebasing: text.dropFirst(prefix.count))
    }
}
