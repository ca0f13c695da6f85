/// One SMTP reply: a three-digit code, an optional enhanced status code, and one or more text lines.
///
/// The enhanced code, when present, starts every line, as OpenSMTPD's HELP reply does (`214-2.0.0 …`). EHLO
/// replies carry none (RFC 2034 §3 exempts them from the requirement). The texts of the replies Tern sends live
/// in ``Replies``.
/// - SeeAlso: [RFC 5321 §4.2](https://www.rfc-editor.org/rfc/rfc5321#section-4.2)
public struct SMTPReply: Hashable, Sendable {
    /// The three-digit reply code, 200 to 599 for anything Tern sends.
    public var code: Int
    public var enhancedCode: EnhancedStatusCode?
    /// The text of each line, without code, separator, enhanced code or CRLF. Never empty.
    public var lines: [String]

    /// - Parameters:
    ///   - code: the reply code, 100...599.
    ///   - enhancedCode: written at the start of every line when present.
    ///   - lines: at least one line; a line may be empty (`334 ` is a valid reply).
    public init(code: Int, enhancedCode: EnhancedStatusCode? = nil, lines: [String]) {
        precondition((100...599).contains(code), "reply code out of range")
        self.code = code
        self.enhancedCode = enhancedCode
        self.lines = lines.isEmpty ? [""] : lines
    }

    /// A one-line reply.
    public init(_ code: Int, _ enhancedCode: EnhancedStatusCode? = nil, _ text: String) {
        self.init(code: code, enhancedCode: enhancedCode, lines: [text])
    }

    /// 2xx.
    public var isPositive: Bool { code < 300 }
    /// 3xx: the server waits for more (354 for DATA, 334 for AUTH).
    public var isIntermediate: Bool { (300..<400).contains(code) }
    /// 4xx.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5xx.
    public var isPermanentFailure: Bool { code >= 500 }
    /// RFC 5321 §3.8: 421 means the server is closing the channel; Tern always closes after sending one.
    public var closesConnection: Bool { code == 421 }
}

// MARK: - Encoding

extension SMTPReply: CustomStringConvertible {
    /// The wire form: `250-first`, `250-…`, `250 last`, each ended by CRLF (RFC 5321 §4.2.1).
    public func encode(into buffer: inout [UInt8]) {
        for (index, line) in lines.enumerated() {
            buffer.append(contentsOf: String(code).utf8)
            buffer.append(index == lines.count - 1 ? UInt8(ascii: " ") : UInt8(ascii: "-"))
            if let enhancedCode {
                buffer.append(contentsOf: enhancedCode.description.utf8)
                if !line.isEmpty { buffer.append(UInt8(ascii: " ")) }
            }
            buffer.append(contentsOf: line.utf8)
            buffer.append(contentsOf: [0x0D, 0x0A])
        }
    }

    /// The wire bytes, CRLF included.
    public var encoded: [UInt8] {
        var buffer: [UInt8] = []
        encode(into: &buffer)
        return buffer
    }

    /// The wire form without the final CRLF (lines joined by CRLF), for logs and tests.
    public var description: String {
        var text = String(decoding: encoded, as: UTF8.self)
        text.removeLast()  // "\r\n" is one Character
        return text
    }
}
