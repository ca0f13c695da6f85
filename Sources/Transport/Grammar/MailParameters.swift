/// The ESMTP parameters of MAIL FROM that Tern knows (RFC 5321 §4.1.2 `Mail-parameters`).
///
/// OpenSMTPD 6.8 knows AUTH, SIZE, BODY=7BIT|8BITMIME and, when DSN is on, RET and ENVID; anything else gets
/// `503 5.5.4 Invalid command arguments: Unsupported option X`. Tern adds SMTPUTF8 and BINARYMIME (parsed so the
/// session can refuse it with the same text, since BINARYMIME is not offered), and checks SIZE (RFC 1870).
/// Parameters are separated by spaces; keywords and the values of BODY and RET are case-insensitive. A keyword
/// given twice keeps its last value.
public struct MailParameters: Hashable, Sendable {
    /// RFC 1870 SIZE, saturating at `UInt64.max`.
    public var size: UInt64?
    public var body: BodyType?
    /// RFC 6531: the transaction may carry UTF-8 addresses and headers.
    public var smtpUTF8: Bool
    public var dsnReturn: DSNReturn?
    /// RFC 3461 ENVID, decoded from xtext.
    public var envelopeID: String?
    /// RFC 4954 §5 `AUTH=`: decoded, or `<>`. Informational only, as in OpenSMTPD.
    public var auth: String?

    public init(size: UInt64? = nil, body: BodyType? = nil, smtpUTF8: Bool = false, dsnReturn: DSNReturn? = nil,
        envelopeID: String? = nil, auth: String? = nil)
    {
        self.size = size
        self.body = body
        self.smtpUTF8 = smtpUTF8
        self.dsnReturn = dsnReturn
        self.envelopeID = envelopeID
        self.auth = auth
    }

    /// OpenSMTPD's `DSN_ENVID_LEN`.
    static let maximumEnvelopeIDLength = 100

    /// What a bad parameter is; the command parser builds the reply.
    enum ParseError: Error, Hashable {
        case unsupported(String)
        case tooLarge(String)
    }

    /// Parses the text after the path.
    static func parse(_ text: ArraySlice<UInt8>) throws(ParseError) -> MailParameters {
        var result = MailParameters()
        for token in text.split(separator: ByteClass.space) {
            let (keyword, value) = ESMTPParameter.split(token)
            let tokenText = ByteClass.string(token)
            switch keyword.uppercased() {
            case "SIZE":
                guard let value, (1...20).contains(value.count), value.allSatisfy(ByteClass.isDigit) else {
                    throw .unsupported(tokenText)
                }
                result.size = value.reduce(UInt64(0)) { total, digit in
                    let (times, o1) = total.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times.addingReportingOverflow(UInt64(digit - 0x30))
                    return o1 || o2 ? UInt64.max : sum
                }
            case "BODY":
                guard let value, let body = BodyType(rawValue: ByteClass.string(value).uppercased()) else {
                    throw .unsupported(tokenText)
                }
                result.body = body
            case "SMTPUTF8":
                guard value == nil else { throw .unsupported(tokenText) }
                result.smtpUTF8 = true
            case "RET":
                guard let value, let ret = DSNReturn(rawValue: ByteClass.string(value).uppercased()) else {
                    throw .unsupported(tokenText)
                }
                result.dsnReturn = ret
            case "ENVID":
                guard let value, !value.isEmpty else { throw .unsupported(tokenText) }
                guard value.count <= maximumEnvelopeIDLength else { throw .tooLarge(ByteClass.string(value)) }
                guard let decoded = XText.decode(value), decoded.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                    throw .unsupported(tokenText)
                }
                result.envelopeID = ByteClass.string(decoded)
            case "AUTH":
                guard let value, !value.isEmpty else { throw .unsupported(tokenText) }
                if ByteClass.string(value) == "<>" {
                    result.auth = "<>"
                } else {
                    guard let decoded = XText.decode(value), let text = String(validating: decoded, as: UTF8.self)
                    else { throw .unsupported(tokenText) }
                    result.auth = text
                }
            default:
                throw .unsupported(tokenText)
            }
        }
        return result
    }

    /// The parameters in a fixed order, each preceded by a space.
    public func encode(into buffer: inout [UInt8]) {
        var parts: [String] = []
        if let size { parts.append("SIZE=\(size)") }
        if let body { parts.append("BODY=\(body.rawValue)") }
        if smtpUTF8 { parts.append("SMTPUTF8") }
        if let dsnReturn { parts.append("RET=\(dsnReturn.rawValue)") }
        if let envelopeID { parts.append("ENVID=\(XText.encode(envelopeID.utf8))") }
        if let auth { parts.append("AUTH=\(auth == "<>" ? auth : XText.encode(auth.utf8))") }
        for part in parts {
            buffer.append(ByteClass.space)
            buffer.append(contentsOf: part.utf8)
        }
    }

    /// True when a DSN parameter is present (refused when the listener has `no-dsn`).
    public var usesDSN: Bool { dsnReturn != nil || envelopeID != nil }
}

/// `keyword[=value]` splitting shared by MAIL and RCPT parameters.
enum ESMTPParameter {
    static func split(_ token: ArraySlice<UInt8>) -> (keyword: String, value: ArraySlice<UInt8>?) {
        guard let equals = token.firstIndex(of: UInt8(ascii: "=")) else { return (ByteClass.string(token), nil) }
        return (ByteClass.string(token[..<equals]), token[token.index(after: equals)...])
    }
}
