import NIOCore
import RuleEngine

/// Action `src <T>`: the local address a relay session is sent from.
enum SourceAddress {
    /// One of `sources` in the family of `destination`, chosen at random so that the list is used in turn;
    /// nil when none fits (OpenSMTPD: "Address family mismatch on destination MXs").
    static func pick(from sources: [TableValue.SocketAddress], for destination: SocketAddress) -> SocketAddress? {
        let wantIPv4 = destination.protocol == .inet
        let fitting = sources.compactMap { source -> SocketAddress? in
            switch source.address {
            case .ipv4(let value) where wantIPv4:
                let text = [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
                return try? SocketAddress(ipAddress: text, port: 0)
            case .ipv6(let high, let low) where !wantIPv4:
                let groups = [high, low].flatMap { half in [48, 32, 16, 0].map { String((half >> UInt64($0)) & 0xFFFF, radix: 16) } }
                return try? SocketAddress(ipAddress: groups.joined(separator: ":"), port: 0)
            default:
                return nil
            }
        }
        return fitting.randomElement()
    }
}

extension SourceAddress {
    /// Action `helo-src <T>`: the EHLO name for a session sent from `source`, nil when the table has none or
    /// cannot answer (OpenSMTPD: "Failed to retrieve helo string"; the session is not made).
    static func heloName(for source: SocketAddress, in table: any LookupTable) -> String? {
        (try? table.addressName(for: text(source))) ?? nil
    }

    /// An address as OpenSMTPD's `sa_to_text` writes it, which is also the key `helo-src` tables are asked
    /// for: `192.0.2.1`, `[2001:db8::1]`.
    static func text(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress else { return "local" }
        return address.protocol == .inet6 ? "[\(ip)]" : ip
    }
}
