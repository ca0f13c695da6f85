/// What OpenSMTPD accepts as the parts of an address, and Tern's SMTPUTF8 extension of it.
///
/// - Local part: `valid_localpart()` (`util.c`), which is exactly RFC 5321's Dot-string: atoms of atext joined
///   by single dots. Quoted-string local parts are refused, as OpenSMTPD refuses them: delivery (maildir paths,
///   `%{rcpt.user}` formats) assumes a dot-atom, and RFC 5321 §4.1.2 asks hosts not to create such mailboxes.
/// - Domain: `valid_domainpart()`: an address literal whose inside parses with `inet_pton` (with or without the
///   `IPv6:` tag), or a host name as Debian's glibc `res_hnok()` checks it (letters, digits, `-` and `_`, no
///   empty label, not starting with `-`, no trailing dot, under 256 bytes).
/// - With SMTPUTF8 (RFC 6531 §3.3) any well-formed UTF-8 non-ASCII sequence is also allowed in atoms and in
///   domain labels (U-labels). Tern does not run IDNA checks; the DNS lookup decides later.
public enum AddressSyntax {
    /// OpenSMTPD's `SMTPD_MAXLOCALPARTSIZE - 1` and `SMTPD_MAXDOMAINPARTSIZE - 1`.
    public static let maximumPartLength = 255

    /// RFC 5321 Dot-string (plus UTF-8 when `allowUTF8`).
    public static func isValidLocalPart(_ bytes: some Collection<UInt8>, allowUTF8: Bool) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maximumPartLength else { return false }
        if !allowUTF8 || bytes.allSatisfy({ $0 < 0x80 }) {
            return isDotAtom(bytes) { ByteClass.isAtext($0) }
        }
        guard String(validating: Array(bytes), as: UTF8.self) != nil else { return false }
        return isDotAtom(bytes) { ByteClass.isAtext($0) || $0 >= 0x80 }
    }

    /// `valid_domainpart()`: an address literal or a host name (U-labels allowed when `allowUTF8`).
    public static func isValidDomain(_ bytes: some Collection<UInt8>, allowUTF8: Bool) -> Bool {
        let bytes = Array(bytes)
        guard let first = bytes.first, bytes.count <= maximumPartLength else { return false }
        if first == UInt8(ascii: "[") { return isValidAddressLiteral(bytes) }
        if allowUTF8, bytes.contains(where: { $0 >= 0x80 }) {
            guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        }
        return isHostname(bytes, allowUTF8: allowUTF8)
    }

    /// `[1.2.3.4]`, `[IPv6:2001:db8::1]`, and (OpenSMTPD's tolerance) `[2001:db8::1]`.
    public static func isValidAddressLiteral(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return false }
        var inside = bytes.dropFirst().dropLast()
        if ByteClass.hasPrefix(inside, caseInsensitive: "IPv6:") { inside = inside.dropFirst(5) }
        guard !inside.isEmpty, inside.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        let text = ByteClass.string(inside)
        return ByteClass.isIPAddress(text, v6: true) || ByteClass.isIPAddress(text, v6: false)
    }

    /// glibc 2.36 `res_hnok()`: printable, every label 1...63 bytes of `[A-Za-z0-9_-]`, the first byte not
    /// `-`, whole name under 254 bytes; OpenSMTPD adds "no trailing dot".
    static func isHostname(_ bytes: [UInt8], allowUTF8: Bool) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253, bytes.first != UInt8(ascii: "-"),
            bytes.last != UInt8(ascii: ".")
        else { return false }
        var labelLength = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0 else { return false }
                labelLength = 0
                continue
            }
            guard ByteClass.isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || (allowUTF8 && byte >= 0x80)
            else { return false }
            labelLength += 1
            guard labelLength <= 63 else { return false }
        }
        return labelLength > 0
    }

    private static func isDotAtom(_ bytes: some Collection<UInt8>, isAtomByte: (UInt8) -> Bool) -> Bool {
        var atomLength = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard atomLength > 0 else { return false }
                atomLength = 0
            } else {
                guard isAtomByte(byte) else { return false }
                atomLength += 1
            }
        }
        return atomLength > 0
    }
}
