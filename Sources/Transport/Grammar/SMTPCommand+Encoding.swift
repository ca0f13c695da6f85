extension SMTPCommand: CustomStringConvertible {
    /// Appends the command line and its CRLF, in the canonical spelling ``parse(_:)`` reads back to an equal
    /// value (upper-case verbs, no space after `MAIL FROM:`, parameters in a fixed order).
    public func encode(into buffer: inout [UInt8]) {
        encode(into: &buffer, redacted: false)
        buffer.append(contentsOf: [ByteClass.cr, ByteClass.lf])
    }

    /// The wire bytes, CRLF included.
    public var encoded: [UInt8] {
        var buffer: [UInt8] = []
        encode(into: &buffer)
        return buffer
    }

    /// The wire form without CRLF and with AUTH data shown as `********` (OpenSMTPD logs `AUTH PLAIN ********`).
    public var description: String {
        var buffer: [UInt8] = []
        encode(into: &buffer, redacted: true)
        return String(decoding: buffer, as: UTF8.self)
    }

    private func encode(into buffer: inout [UInt8], redacted: Bool) {
        func put(_ text: String) { buffer.append(contentsOf: text.utf8) }
        switch self {
        case .helo(let domain): put("HELO \(domain)")
        case .ehlo(let domain): put("EHLO \(domain)")
        case .mail(let path, let parameters):
            put("MAIL FROM:")
            path.encode(into: &buffer)
            parameters.encode(into: &buffer)
        case .rcpt(let path, let parameters):
            put("RCPT TO:")
            path.encode(into: &buffer)
            parameters.encode(into: &buffer)
        case .data: put("DATA")
        case .bdat(let size, let last): put(last ? "BDAT \(size) LAST" : "BDAT \(size)")
        case .rset: put("RSET")
        case .noop: put("NOOP")
        case .quit: put("QUIT")
        case .vrfy(let text): put("VRFY \(text)")
        case .expn(let text): put("EXPN \(text)")
        case .help: put("HELP")
        case .startTLS: put("STARTTLS")
        case .auth(let mechanism, let response):
            put("AUTH \(mechanism)")
            if let response { put(" " + (redacted ? response.description : response.text)) }
        case .unknown(let line): put(line)
        }
    }
}

extension SMTPCommand: CustomDebugStringConvertible {
    /// Same as `description`: redacted wire form.
    public var debugDescription: String { description }
}
