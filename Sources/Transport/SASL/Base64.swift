/// Base64 as SASL uses it (RFC 4648 §4), decoded with the strictness of the `b64_pton()` OpenSMTPD calls:
/// whitespace is skipped, padding is required and must be right, nothing but whitespace may follow it, and the
/// unused bits of the last character must be zero (else they are a covert channel).
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// - Parameters:
    ///   - text: base64 text.
    ///   - maximumLength: the most octets the caller accepts (OpenSMTPD's buffer sizes).
    /// - Returns: the octets, or nil when `text` is not strict base64 or decodes to more than `maximumLength`.
    public static func decode(_ text: some Collection<UInt8>, maximumLength: Int = .max) -> [UInt8]? {
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var characters = 0
        var padding = 0
        for byte in text {
            if ByteClass.isSpace(byte) { continue }
            if byte == UInt8(ascii: "=") {
                guard characters % 4 >= 2, padding < 2 else { return nil }
                padding += 1
                continue
            }
            guard padding == 0 else { return nil }
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            characters += 1
            if characters % 4 == 0 {
                output += [UInt8(truncatingIfNeeded: accumulator >> 16), UInt8(truncatingIfNeeded: accumulator >> 8),
                    UInt8(truncatingIfNeeded: accumulator)]
                accumulator = 0
                guard output.count <= maximumLength else { return nil }
            }
        }
        let remainder = characters % 4
        guard remainder + padding == (remainder == 0 ? 0 : 4) else { return nil }
        if remainder > 0 {
            // 2 characters carry 1 octet and 4 spare bits, 3 carry 2 octets and 2 spare bits.
            let octets = remainder - 1
            let spare = remainder * 6 - octets * 8
            guard accumulator & ((1 << UInt32(spare)) - 1) == 0 else { return nil }
            accumulator >>= UInt32(spare)
            for index in stride(from: octets - 1, through: 0, by: -1) {
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(index * 8)))
            }
            guard output.count <= maximumLength else { return nil }
        }
        return output
    }

    /// Standard base64 with padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(value >> 6 & 63)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(value & 63)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
