/// RFC 3461 §4 xtext, the encoding of ENVID, ORCPT and AUTH= values: printable ASCII except `+` and `=`, with
/// any other octet written `+XX` (upper-case hex, as OpenSMTPD's `valid_xtext()` insists).
public enum XText {
    /// Decodes `text`.
    /// - Returns: the octets, or nil when `text` is not xtext.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var iterator = text.makeIterator()
        while let byte = iterator.next() {
            guard byte >= 0x21, byte <= 0x7E, byte != UInt8(ascii: "=") else { return nil }
            if byte != UInt8(ascii: "+") {
                output.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                ByteClass.isUpperHex(high), ByteClass.isUpperHex(low)
            else { return nil }
            output.append(hexValue(high) << 4 | hexValue(low))
        }
        return output
    }

    /// Encodes octets as xtext.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in bytes {
            if byte >= 0x21, byte <= 0x7E, byte != UInt8(ascii: "+"), byte != UInt8(ascii: "=") {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "+"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        ByteClass.isDigit(byte) ? byte - 0x30 : byte - 0x41 + 10
    }
}
