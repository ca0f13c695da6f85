/// The PROXY protocol version 2 header (HAProxy's binary form) that a `listen on … proxy-v2` listener expects
/// before anything else on a connection: it carries the real client's address from a load balancer.
///
/// Layout: a 12-byte signature, a version/command byte (`0x20` LOCAL, `0x21` PROXY), an address-family byte
/// (`0x11` TCP over IPv4, `0x21` TCP over IPv6, others unspecified), a 16-bit big-endian length, then that many
/// bytes: for TCP over IPv4 the source and destination addresses (4 bytes each) and ports; for IPv6, 16 bytes
/// each. Anything else in the address block (TLVs) is skipped.
public enum ProxyProtocolHeader: Hashable, Sendable {
    /// The proxied client's address (numeric, without brackets), or nil for LOCAL (a health check from the
    /// proxy itself: the connection's own address stands).
    case header(source: String?, length: Int)
    case needMore
    case invalid(String)

    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// 16 bytes of fixed header plus at most what the length field allows; proxies send far less.
    static let maximumLength = 16 + 536

    public static func parse(_ bytes: some Collection<UInt8>) -> ProxyProtocolHeader {
        let bytes = Array(bytes)
        let prefix = min(bytes.count, signature.count)
        guard bytes.prefix(prefix).elementsEqual(signature.prefix(prefix)) else {
            return .invalid("no PROXY v2 signature")
        }
        guard bytes.count >= 16 else { return .needMore }
        let versionCommand = bytes[12]
        guard versionCommand >> 4 == 2 else { return .invalid("PROXY version \(versionCommand >> 4)") }
        let command = versionCommand & 0x0F
        guard command <= 1 else { return .invalid("PROXY command \(command)") }
        let length = Int(bytes[14]) << 8 | Int(bytes[15])
        guard 16 + length <= maximumLength else { return .invalid("PROXY header too long") }
        guard bytes.count >= 16 + length else { return .needMore }
        if command == 0 { return .header(source: nil, length: 16 + length) }
        let block = bytes[16..<(16 + length)]
        switch bytes[13] {
        case 0x11:
            guard block.count >= 12 else { return .invalid("short IPv4 address block") }
            let address = block.prefix(4).map(String.init).joined(separator: ".")
            return .header(source: address, length: 16 + length)
        case 0x21:
            guard block.count >= 36 else { return .invalid("short IPv6 address block") }
            let words = stride(from: 0, to: 16, by: 2).map { index -> String in
                let value = Int(block[block.startIndex + index]) << 8 | Int(block[block.startIndex + index + 1])
                return String(value, radix: 16)
            }
            return .header(source: IPv6Text.compress(words), length: 16 + length)
        default:
            // UNSPEC or a unix socket: no address to take; the connection's own stands.
            return .header(source: nil, length: 16 + length)
        }
    }
}

/// RFC 5952 text for eight 16-bit groups already in lowercase hex: the longest run of two or more zero groups
/// becomes `::`.
enum IPv6Text {
    static func compress(_ groups: [String]) -> String {
        var best = (start: -1, length: 0)
        var index = 0
        while index < groups.count {
            guard groups[index] == "0" else { index += 1; continue }
            var end = index
            while end < groups.count && groups[end] == "0" { end += 1 }
            if end - index > best.length && end - index >= 2 { best = (index, end - index) }
            index = end
        }
        guard best.start >= 0 else { return groups.joined(separator: ":") }
        let head = groups[..<best.start].joined(separator: ":")
        let tail = groups[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
