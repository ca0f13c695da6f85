#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenSMTPD's `valid_domainpart` (util.c), for relay hosts: an address literal `[1.2.3.4]`, `[::1]` or
/// `[IPv6:::1]`, or a host name as glibc's `res_hnok` accepts it.
///
/// For a name: not empty, under 256 bytes, no final dot, and `res_hnok`: printable ASCII, labels of 1…63
/// bytes made of letters, digits, `-` and `_`, and no `-` first.
enum DomainPart {
    static func isValid(_ text: [UInt8]) -> Bool {
        if text.first == UInt8(ascii: "[") {
            var inner = text.dropFirst()
            let prefix = Array("ipv6:".utf8)
            if inner.count >= prefix.count && zip(inner, prefix).allSatisfy({ TableLookupKey.fold($0) == $1 }) {
                inner = inner.dropFirst(prefix.count)
            }
            guard let close = inner.firstIndex(of: UInt8(ascii: "]")), close == inner.index(before: inner.endIndex)
            else { return false }
            let literal = String(decoding: inner[..<close], as: UTF8.self)
            var v6 = in6_addr()
            var v4 = in_addr()
            return inet_pton(AF_INET6, literal, &v6) == 1 || inet_pton(AF_INET, literal, &v4) == 1
        }
        guard !text.isEmpty, text.count < 256, text.last != UInt8(ascii: "."), text.first != UInt8(ascii: "-")
        else { return false }
        for label in text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63 else { return false }
            let allowed = label.allSatisfy { byte in
                byte &- UInt8(ascii: "0") < 10 || (byte | 0x20) &- UInt8(ascii: "a") < 26
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
            guard allowed else { return false }
        }
        return true
    }
}
