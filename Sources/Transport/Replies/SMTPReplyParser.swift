/// Reads multi-line replies on the client side (the relay client and tests): feed it one line at a time.
///
/// RFC 5321 §4.2.1: every line but the last has `-` after the code, the last has a space (or nothing); all lines
/// carry the same code. When every line starts with an enhanced code whose class matches the reply code
/// (RFC 2034 §4), it is lifted into ``SMTPReply/enhancedCode``; otherwise the texts stay as sent, so
/// `parse(encode(reply)) == reply` for every reply Tern builds.
public struct SMTPReplyParser: Sendable {
    public enum Error: Swift.Error, Hashable, Sendable {
        /// The line does not start with a code from 100 to 599 followed by `-`, space or end of line.
        case malformedLine
        /// A continuation line carries another code than the first line.
        case inconsistentCode
        /// More lines than ``maximumLines``: a server flooding the client.
        case tooManyLines
    }

    /// RFC 5321 sets no limit; a real EHLO reply has about 15 lines.
    public var maximumLines: Int
    private var code: Int?
    private var texts: [Substring] = []

    public init(maximumLines: Int = 1000) {
        self.maximumLines = maximumLines
    }

    /// Consumes one line (without CRLF).
    /// - Returns: the complete reply after its last line, nil while more lines are expected.
    public mutating func parse(line: some Collection<UInt8>) throws(Error) -> SMTPReply? {
        let bytes = Array(line)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .malformedLine
        }
        let lineCode = Int(bytes[0] - 0x30) * 100 + Int(bytes[1] - 0x30) * 10 + Int(bytes[2] - 0x30)
        // RFC 5321 §4.2: the first digit is 1 to 5 (a fuzzed `708` once reached SMTPReply's precondition).
        guard (100...599).contains(lineCode) else { throw .malformedLine }
        let separator: UInt8? = bytes.count > 3 ? bytes[3] : nil
        guard separator == nil || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformedLine
        }
        if let code, code != lineCode { throw .inconsistentCode }
        code = lineCode
        guard texts.count < maximumLines else { throw .tooManyLines }
        texts.append(Substring(String(decoding: bytes.dropFirst(4), as: UTF8.self)))
        if separator == UInt8(ascii: "-") { return nil }
        defer {
            self.code = nil
            texts = []
        }
        return Self.makeReply(code: lineCode, texts: texts)
    }

    private static func makeReply(code: Int, texts: [Substring]) -> SMTPReply {
        var enhanced: EnhancedStatusCode?
        var stripped: [String] = []
        for text in texts {
            let head = text.prefix { $0 != " " }
            guard let candidate = EnhancedStatusCode.parse(head), candidate.statusClass == code / 100,
                enhanced == nil || enhanced == candidate
            else {
                return SMTPReply(code: code, enhancedCode: nil, lines: texts.map(String.init))
            }
            enhanced = candidate
            let rest = text.dropFirst(head.count)
            stripped.append(String(rest.first == " " ? rest.dropFirst() : rest))
        }
        return SMTPReply(code: code, enhancedCode: enhanced, lines: stripped)
    }
}
