#if canImport(Glibc)
import Glibc
#endif

/// Why an SMTP path was refused. The session answers `501 5.1.3 … address syntax error` for any of them; the
/// case only says which check failed, for logs and `smtpctl route`.
public enum MailPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not `<…>`.
    case notAngleBracketed
    /// Longer than OpenSMTPD's buffers (255 bytes per part, 2047 in all).
    case tooLong
    /// An empty or non-dot-atom local part (`valid_localpart`).
    case invalidLocalPart
    /// Not a host name or address literal (`valid_domainpart`).
    case invalidDomain

    public var description: String {
        switch self {
        case .notAngleBracketed: "the address must be written <user@domain>"
        case .tooLong: "the address is too long"
        case .invalidLocalPart: "invalid local part"
        case .invalidDomain: "invalid domain"
        }
    }
}

extension MailAddress {
    /// Reads a MAIL FROM or RCPT TO path as OpenSMTPD's `smtp_mailaddr` does.
    ///
    /// - Only the text between `<` and the first `>` counts; what follows is the ESMTP parameters (returned).
    /// - The address splits at the last `@`. An RFC 5321 source route (`<@a,@b:user@d>`) is dropped up to its
    ///   first `:`.
    /// - `<>` is accepted only for MAIL FROM.
    /// - The local part must be a dot-atom of letters, digits and ``!#$%&'*/?^`{|}~+-=_``; no quoted strings.
    /// - An address without a domain gets `defaultDomain` (the listener's host name).
    /// - The domain must be a host name (checked like `res_hnok`, without a trailing dot) or an address literal
    ///   `[1.2.3.4]`, `[IPv6:…]`.
    /// Case is kept.
    ///
    /// - Parameters:
    ///   - path: the argument of MAIL FROM: or RCPT TO:, starting at `<`.
    ///   - isMailFrom: whether `<>` is allowed.
    ///   - defaultDomain: the domain for a bare local part.
    /// - Returns: the address and the text after `>` with its leading spaces removed.
    public static func parsePath(_ path: String, isMailFrom: Bool, defaultDomain: String) throws(MailPathError)
        -> (address: MailAddress, parameters: String)
    {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "<"), let close = bytes.firstIndex(of: UInt8(ascii: ">")) else {
            throw .notAngleBracketed
        }
        var rest = close + 1
        while rest < bytes.count && bytes[rest] == UInt8(ascii: " ") { rest += 1 }
        let parameters = ASCII.text(bytes[rest...])
        let inner = ASCII.text(bytes[1..<close])
        guard inner.utf8.count < 2048 else { throw .tooLong }
        var address = MailAddress(text: inner)
        guard address.user.utf8.count < 256, address.domain.utf8.count < 256 else { throw .tooLong }
        if let colon = address.user.firstIndex(of: ":") {
            address.user = String(address.user[address.user.index(after: colon)...])
        }
        if isMailFrom && address.isNull { return (address, parameters) }
        guard !address.user.isEmpty, isValidLocalPart(address.user) else { throw .invalidLocalPart }
        if address.domain.isEmpty { address.domain = defaultDomain }
        guard isValidDomainPart(address.domain) else { throw .invalidDomain }
        return (address, parameters)
    }

    /// Reads an address given on a command line (`smtpctl route --to`): with or without `<>`, otherwise as
    /// `parsePath`.
    public static func parseArgument(_ text: String, isMailFrom: Bool, defaultDomain: String) throws(MailPathError)
        -> MailAddress
    {
        let path = text.hasPrefix("<") ? text : "<" + text + ">"
        return try parsePath(path, isMailFrom: isMailFrom, defaultDomain: defaultDomain).address
    }

    /// The characters besides letters and digits that a local-part atom may hold (`MAILADDR_ALLOWED`).
    static let atomSpecials = Set("!#$%&'*/?^`{|}~+-=_".utf8)

    /// `valid_localpart`: one or more atoms joined by single dots; no leading, trailing or doubled dot.
    public static func isValidLocalPart(_ text: String) -> Bool {
        var atomLength = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard atomLength > 0 else { return false }
                atomLength = 0
            } else if ASCII.isAlphanumeric(byte) || atomSpecials.contains(byte) {
                atomLength += 1
            } else {
                return false
            }
        }
        return atomLength > 0
    }

    /// `valid_domainpart`: an address literal, or a host name with no trailing dot.
    public static func isValidDomainPart(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        if bytes.first == UInt8(ascii: "[") {
            var body = text.dropFirst()
            if body.utf8.count >= 5 && body.prefix(5).lowercased() == "ipv6:" { body = body.dropFirst(5) }
            guard body.utf8.count < 256, body.last == "]", body.dropLast().firstIndex(of: "]") == nil else {
                return false
            }
            let literal = String(body.dropLast())
            return IPText.isIPv6(literal) || IPText.isIPv4(literal)
        }
        guard !bytes.isEmpty, bytes.count < 256, bytes.last != UInt8(ascii: ".") else { return false }
        return isHostName(bytes)
    }

    /// `res_hnok(3)` as glibc has it: printable ASCII; labels of 1 to 63 bytes (after `\` escapes) made of
    /// letters, digits, `-` and `_`; no empty label; the name does not start with `-`.
    static func isHostName(_ bytes: [UInt8]) -> Bool {
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return false }
        var labels: [[UInt8]] = [[]]
        var i = 0
        while i < bytes.count {
            var byte = bytes[i]
            if byte == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { return false }
                if i + 3 < bytes.count, bytes[(i + 1)...(i + 3)].allSatisfy(ASCII.isDigit) {
                    let value = bytes[(i + 1)...(i + 3)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                    guard value < 256 else { return false }
                    byte = UInt8(value)
                    i += 4
                } else {
                    byte = bytes[i + 1]
                    i += 2
                }
                labels[labels.count - 1].append(byte)
                continue
            }
            if byte == UInt8(ascii: ".") {
                guard !labels[labels.count - 1].isEmpty else { return false }
                labels.append([])
            } else {
                labels[labels.count - 1].append(byte)
            }
            i += 1
        }
        if labels.last?.isEmpty == true { labels.removeLast() }
        guard !labels.isEmpty, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
              labels.reduce(0, { $0 + $1.count + 1 }) < 255, labels[0].first != UInt8(ascii: "-")
        else { return false }
        return labels.allSatisfy { label in
            label.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        }
    }
}

/// `inet_pton(3)` checks, and the canonical text of an address as OpenSMTPD prints a client (`ss_to_text`).
enum IPText {
    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// `1.2.3.4` for IPv4 and `[2001:db8::1]` for IPv6, in `inet_ntop` form; nil when `text` is neither.
    static func clientText(_ text: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return ntop(AF_INET, &v4, size: Int(INET_ADDRSTRLEN)) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            guard let canonical = ntop(AF_INET6, &v6, size: Int(INET6_ADDRSTRLEN)) else { return nil }
            return "[" + canonical + "]"
        }
        return nil
    }

    private static func ntop<T>(_ family: Int32, _ address: inout T, size: Int) -> String? {
        var buffer = [CChar](repeating: 0, count: size)
        let result = withUnsafePointer(to: &address) { pointer in
            buffer.withUnsafeMutableBufferPointer { inet_ntop(family, pointer, $0.baseAddress, socklen_t(size)) }
        }
        guard result != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
