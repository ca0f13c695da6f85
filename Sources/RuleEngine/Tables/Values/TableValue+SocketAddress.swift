#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TableValue {
    /// One address, as OpenSMTPD's `parse_sockaddr` reads it (table.c): relay `src <T>` entries (the `source`
    /// service) and the keys of `addrname` tables (`hostnames`, `helo-src`).
    ///
    /// IPv4 is strict `inet_pton` text (`192.0.2.1`, no brackets, no prefix). Otherwise IPv6: an optional `[`,
    /// an optional `ipv6:` (any case), then `inet_pton` text, then optionally `%scope`, where the scope is an
    /// interface name (only for link-local and multicast link- or node-local addresses) or a number; anything
    /// from a `]` on is ignored (OpenSMTPD ≥ 7.5 reads `sa_to_text`'s `[2001:db8::1]` back this way).
    public struct SocketAddress: Sendable, Hashable {
        public var address: NetAddress.Address
        public var scopeID: UInt32

        public init(address: NetAddress.Address, scopeID: UInt32 = 0) {
            self.address = address
            self.scopeID = scopeID
        }

        public init?(text: String) {
            var ipv4 = in_addr()
            if inet_pton(AF_INET, text, &ipv4) == 1 {
                self.init(address: .ipv4(UInt32(bigEndian: ipv4.s_addr)))
                return
            }
            var rest = Substring(text)
            if rest.first == "[" { rest = rest.dropFirst() }
            if rest.utf8.count >= 5, rest.utf8.prefix(5).map(TableLookupKey.fold).elementsEqual("ipv6:".utf8) {
                rest = rest.dropFirst(5)
            }
            if let bracket = rest.firstIndex(of: "]") { rest = rest[..<bracket] }
            var scope: Substring?
            if let percent = rest.firstIndex(of: "%") {
                scope = rest[rest.index(after: percent)...]
                rest = rest[..<percent]
            }
            let bytes = Array(rest.utf8)
            guard let (high, low) = bytes.withUnsafeBytes({ NetAddress.ipv6Halves($0) })
            else { return nil }
            var scopeID: UInt32 = 0
            if let scope {
                let firstByte = high >> 56
                let secondNibble = (high >> 48) & 0xC0
                let linkLocal = firstByte == 0xFE && secondNibble == 0x80
                let multicastScope = (high >> 48) & 0xFF0F
                let multicastLinkOrNode = multicastScope == 0xFF02 || multicastScope == 0xFF01
                if linkLocal || multicastLinkOrNode, case let index = if_nametoindex(String(scope)), index != 0 {
                    scopeID = index
                } else {
                    guard let number = StrToNum.parse(scope, in: 0...Int64(UInt32.max)) else { return nil }
                    scopeID = UInt32(number)
                }
            }
            self.init(address: .ipv6(high, low), scopeID: scopeID)
        }
    }
}
