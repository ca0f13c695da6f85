/// What a server offered in its EHLO (or LHLO) reply, as the relay client needs it.
///
/// Keywords are compared without case (RFC 5321 §2.4). A server that only answered HELO offers nothing.
public struct SMTPServerCapabilities: Hashable, Sendable {
    /// Every keyword, upper-cased, with its parameters as sent.
    public private(set) var keywords: [String: String]

    public init() { keywords = [:] }

    /// Reads an EHLO reply: the first line is the greeting, each further line one keyword and its parameters.
    public init(ehloReply reply: SMTPReply) {
        keywords = [:]
        for line in reply.lines.dropFirst() {
            let trimmed = line.drop { $0 == " " }
            let keyword = trimmed.prefix { $0 != " " && $0 != "=" }
            guard !keyword.isEmpty else { continue }
            let parameters = trimmed.dropFirst(keyword.count).drop { $0 == " " || $0 == "=" }
            let name = keyword.uppercased()
            // `AUTH=PLAIN` (an old form some servers still send) adds to `AUTH PLAIN` rather than replacing it.
            if let existing = keywords[name], !existing.isEmpty {
                keywords[name] = existing + " " + parameters
            } else {
                keywords[name] = String(parameters)
            }
        }
    }

    public func offers(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    public var pipelining: Bool { offers("PIPELINING") }
    public var startTLS: Bool { offers("STARTTLS") }
    public var dsn: Bool { offers("DSN") }
    public var eightBitMIME: Bool { offers("8BITMIME") }
    public var smtpUTF8: Bool { offers("SMTPUTF8") }

    /// RFC 1870: whether SIZE is offered, and its limit (nil when offered without one, or 0: no fixed limit).
    public var size: (offered: Bool, limit: UInt64?) {
        guard let parameters = keywords["SIZE"] else { return (false, nil) }
        guard let limit = UInt64(parameters.prefix { $0 != " " }), limit > 0 else { return (true, nil) }
        return (true, limit)
    }

    /// The SASL mechanisms after AUTH, upper-cased.
    public var authMechanisms: Set<String> {
        guard let parameters = keywords["AUTH"] else { return [] }
        return Set(parameters.split(separator: " ").map { $0.uppercased() })
    }
}
