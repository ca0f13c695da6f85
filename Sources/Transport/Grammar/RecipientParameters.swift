/// The ESMTP parameters of RCPT TO: RFC 3461's NOTIFY and ORCPT.
///
/// Replies follow OpenSMTPD: an unknown keyword gets `503 Unsupported option X` (no enhanced code, unlike MAIL),
/// `NEVER` with another NOTIFY value gets `553 NOTIFY option NEVER cannot be combined with other options`, a bad
/// ORCPT gets `553 ORCPT address syntax error`. Unknown NOTIFY words are ignored, as OpenSMTPD ignores them.
public struct RecipientParameters: Hashable, Sendable {
    public var notify: DSNNotify?
    public var originalRecipient: OriginalRecipient?

    public init(notify: DSNNotify? = nil, originalRecipient: OriginalRecipient? = nil) {
        self.notify = notify
        self.originalRecipient = originalRecipient
    }

    enum ParseError: Error, Hashable {
        case unsupported(String)
        case notifyNeverCombined
        case originalRecipientSyntax
    }

    static func parse(_ text: ArraySlice<UInt8>) throws(ParseError) -> RecipientParameters {
        var result = RecipientParameters()
        for token in text.split(separator: ByteClass.space) {
            let (keyword, value) = ESMTPParameter.split(token)
            switch keyword.uppercased() {
            case "NOTIFY":
                guard let value else { throw .unsupported(ByteClass.string(token)) }
                var notify = DSNNotify()
                for word in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    for (flag, name) in DSNNotify.names where ByteClass.equal(word, caseInsensitive: name) {
                        notify.insert(flag)
                    }
                }
                if notify.contains(.never), notify != .never { throw .notifyNeverCombined }
                result.notify = notify
            case "ORCPT":
                guard let value, let original = OriginalRecipient.parse(value) else {
                    throw .originalRecipientSyntax
                }
                result.originalRecipient = original
            default:
                throw .unsupported(ByteClass.string(token))
            }
        }
        return result
    }

    public func encode(into buffer: inout [UInt8]) {
        if let notify { buffer.append(contentsOf: " NOTIFY=\(notify.wireValue)".utf8) }
        if let originalRecipient { buffer.append(contentsOf: " ORCPT=\(originalRecipient.wireValue)".utf8) }
    }

    /// True when a DSN parameter is present.
    public var usesDSN: Bool { notify != nil || originalRecipient != nil }
}
