/// An EHLO keyword line (RFC 5321 §4.1.1.1): an open set, like nio-imap's `Capability`, so adding one is not a
/// breaking change.
public struct SMTPExtension: Hashable, Sendable, CustomStringConvertible {
    /// The whole line after `250-`, keyword and parameters (`SIZE 36700160`).
    public var line: String

    public init(_ line: String) { self.line = line }

    public var description: String { line }

    /// The keyword alone, upper-cased, for comparisons.
    public var keyword: String { String(line.prefix { $0 != " " }).uppercased() }

    /// RFC 6152.
    public static let eightBitMIME = SMTPExtension("8BITMIME")
    /// RFC 2034.
    public static let enhancedStatusCodes = SMTPExtension("ENHANCEDSTATUSCODES")
    /// RFC 1870, with the limit in bytes.
    public static func size(_ maximum: Int) -> SMTPExtension { SMTPExtension("SIZE \(maximum)") }
    /// RFC 3461.
    public static let dsn = SMTPExtension("DSN")
    /// RFC 3207.
    public static let startTLS = SMTPExtension("STARTTLS")
    /// RFC 4954, with the mechanisms OpenSMTPD offers.
    public static let authPlainLogin = SMTPExtension("AUTH PLAIN LOGIN")
    /// RFC 2920 (Tern only: OpenSMTPD refuses pipelined input).
    public static let pipelining = SMTPExtension("PIPELINING")
    /// RFC 6531 (Tern only).
    public static let smtpUTF8 = SMTPExtension("SMTPUTF8")
    /// RFC 3030 (Tern only).
    public static let chunking = SMTPExtension("CHUNKING")
    /// RFC 5321 §4.1.1.8.
    public static let help = SMTPExtension("HELP")
}

extension Replies {
    /// The EHLO reply: the greeting line, then one keyword per line.
    /// - Parameters:
    ///   - serverName: the listener's name (`hostname`, or what the `hostnames` table gave).
    ///   - helo: the client's EHLO argument.
    ///   - clientAddress: the address as OpenSMTPD prints it, without brackets (`192.0.2.1`, `2001:db8::1`,
    ///     `local`).
    ///   - extensions: from ``ehloExtensions(maximumMessageSize:dsn:offerStartTLS:offerAuth:)``.
    public static func ehlo(serverName: String, helo: String, clientAddress: String, extensions: [SMTPExtension])
        -> SMTPReply
    {
        let greeting = "\(serverName) Hello \(helo) [\(clientAddress)], pleased to meet you"
        return SMTPReply(code: 250, enhancedCode: nil, lines: [greeting] + extensions.map(\.line))
    }

    /// The keywords in OpenSMTPD's order (`smtp_proceed_ehlo`): 8BITMIME, ENHANCEDSTATUSCODES, SIZE, DSN,
    /// STARTTLS, AUTH, then Tern's PIPELINING, SMTPUTF8 and CHUNKING, and HELP last as OpenSMTPD has it.
    /// - Parameters:
    ///   - offerStartTLS: the listener has `tls` and the session is not yet secure.
    ///   - offerAuth: the listener has `auth`, the session is secure, and the client is not yet authenticated.
    public static func ehloExtensions(maximumMessageSize: Int, dsn: Bool, offerStartTLS: Bool, offerAuth: Bool)
        -> [SMTPExtension]
    {
        var lines: [SMTPExtension] = [.eightBitMIME, .enhancedStatusCodes, .size(maximumMessageSize)]
        if dsn { lines.append(.dsn) }
        if offerStartTLS { lines.append(.startTLS) }
        if offerAuth { lines.append(.authPlainLogin) }
        lines += [.pipelining, .smtpUTF8, .chunking, .help]
        return lines
    }
}
