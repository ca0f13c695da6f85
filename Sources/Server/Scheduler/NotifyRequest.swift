/// RCPT TO's NOTIFY (RFC 3461 §4.1), as the envelope stores it: which notices the sender wants.
///
/// Without NOTIFY, the sender gets failures and delay notices (RFC 3461 §4.1 leaves the default to the MTA;
/// OpenSMTPD sends both). `NEVER` means no notice at all. Otherwise exactly the listed ones are sent.
public struct NotifyRequest: Sendable, Hashable {
    public var success: Bool
    public var delay: Bool
    public var failure: Bool

    public init(success: Bool, delay: Bool, failure: Bool) {
        self.success = success
        self.delay = delay
        self.failure = failure
    }

    /// Parses `SUCCESS,DELAY`, `NEVER`, or an empty text (the default), case-insensitively.
    public init(_ text: String) {
        let words = Set(text.uppercased().split(separator: ",").map { $0.trimmingSpaces })
        if words.isEmpty {
            self.init(success: false, delay: true, failure: true)
        } else if words.contains("NEVER") {
            self.init(success: false, delay: false, failure: false)
        } else {
            self.init(success: words.contains("SUCCESS"), delay: words.contains("DELAY"), failure: words.contains("FAILURE"))
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
