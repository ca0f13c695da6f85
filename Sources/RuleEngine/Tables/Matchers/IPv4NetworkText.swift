/// Reads IPv4 network text the way glibc's `inet_net_pton(AF_INET, …)` does, which is what Debian's
/// OpenSMTPD calls for `netaddr` lookups (`text_to_netaddr`).
///
/// This is older and looser than `inet_pton`, and it decides what a table entry covers:
/// - dotted decimal with 1 to 4 parts, each 0…255 (`10`, `10.1`, `192.168.1.7`);
/// - or hexadecimal after `0x`, two digits a byte (`0x0a01`);
/// - then an optional `/bits` (0…32);
/// - without `/bits`, the width comes from the old address classes (A: 8, B: 16, C: 24, D: 4, E: 32), widened
///   to cover every byte written. So `10` is `10.0.0.0/8`, `10.1` is `10.1.0.0/16`, and any full dotted quad
///   is a single address. Class D text (224…239) keeps its 4 bits, however many bytes follow, as in glibc.
enum IPv4NetworkText {
    struct Network: Equatable {
        /// In host byte order; bytes not written are zero.
        var address: UInt32
        var bits: Int
    }

    static func parse(_ text: UnsafeRawBufferPointer) -> Network? {
        var octets: [UInt8] = []
        var index = 0
        func peek(_ offset: Int = 0) -> UInt8 { index + offset < text.count ? text[index + offset] : 0 }

        if peek() == UInt8(ascii: "0") && (peek(1) | 0x20) == UInt8(ascii: "x") && hexValue(peek(2)) != nil {
            index += 2
            var pending: UInt8?
            while let digit = hexValue(peek()) {
                index += 1
                if let high = pending {
                    guard octets.count < 4 else { return nil }
                    octets.append(high << 4 | digit)
                    pending = nil
                } else {
                    pending = digit
                }
            }
            if let high = pending {
                guard octets.count < 4 else { return nil }
                octets.append(high << 4)
            }
        } else if isDigit(peek()) {
            while true {
                var value = 0
                repeat {
                    value = value * 10 + Int(peek() - UInt8(ascii: "0"))
                    guard value <= 255 else { return nil }
                    index += 1
                } while isDigit(peek())
                guard octets.count < 4 else { return nil }
                octets.append(UInt8(value))
                if peek() == 0 || peek() == UInt8(ascii: "/") { break }
                guard peek() == UInt8(ascii: "."), isDigit(peek(1)) else { return nil }
                index += 1
            }
        } else {
            return nil
        }

        var bits: Int?
        if peek() == UInt8(ascii: "/") && isDigit(peek(1)) && !octets.isEmpty {
            index += 1
            var width = 0
            repeat {
                width = width * 10 + Int(peek() - UInt8(ascii: "0"))
                guard width <= 32 else { return nil }
                index += 1
            } while isDigit(peek())
            bits = width
        }
        guard index == text.count, !octets.isEmpty else { return nil }

        let written = octets.count * 8
        // glibc widens a class width to the bytes written, but leaves class D's 4 bits alone.
        let implied = classWidth(octets[0])
        let width = bits ?? (implied >= 8 ? max(implied, written) : implied)
        var address: UInt32 = 0
        for (position, octet) in octets.enumerated() { address |= UInt32(octet) << (24 - 8 * position) }
        return Network(address: address, bits: width)
    }

    /// The width an address class implies, for text without `/bits`.
    private static func classWidth(_ first: UInt8) -> Int {
        switch first {
        case 240...: 32
        case 224...: 4
        case 192...: 24
        case 128...: 16
        default: 8
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte - UInt8(ascii: "0") }
        let lower = byte | 0x20
        if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") { return lower - UInt8(ascii: "a") + 10 }
        return nil
    }
}
