/// The reply line for a refused recipient, with OpenSMTPD's exact texts.
///
/// OpenSMTPD builds these in two places: the lookup process picks the first part (`550 Invalid recipient`,
/// `451 Temporary failure`, `524 5.2.4 Mailing list expansion problem`, or an alias's `error:` text), and the
/// session appends `: <rcpt>` with the **original** RCPT address, whichever expanded address failed.
///
/// - SeeAlso: `lka_resume()` in lka_session.c and the `IMSG_SMTP_EXPAND_RCPT` case in smtp_session.c.
public struct RecipientReply: Sendable, Hashable, CustomStringConvertible {
    /// The reply text without the recipient, e.g. `550 Invalid recipient`.
    public var status: String
    /// The recipient as printed between the angle brackets.
    public var recipient: String

    public init(status: String, recipient: MailAddress) {
        self.status = status
        self.recipient = recipient.replyText
    }

    /// The three-digit code (`550`), or 0 when the status does not start with one.
    public var code: Int {
        let digits = status.utf8.prefix(3)
        guard digits.count == 3, digits.allSatisfy(ASCII.isDigit) else { return 0 }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// Whether the client should retry later (a 4xx reply).
    public var isTemporary: Bool { status.hasPrefix("4") }

    /// The full line, as sent: `550 Invalid recipient: <joe@example.org>`.
    public var line: String { status + ": <" + recipient + ">" }
    public var description: String { line }

    /// OpenSMTPD's reply texts, before `: <rcpt>`.
    public enum Status {
        public static let invalidRecipient = "550 Invalid recipient"
        public static let temporaryFailure = "451 Temporary failure"
        public static let expansionFailed = "524 5.2.4 Mailing list expansion problem"
        public static let expansionTemporaryFailure = "424 4.2.4 Mailing list expansion problem"
    }
}
