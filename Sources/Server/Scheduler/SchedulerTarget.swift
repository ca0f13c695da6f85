/// What `smtpctl schedule` and `smtpctl remove` address.
public enum SchedulerTarget: Sendable, Hashable {
    case all
    case message(MessageID)
    case envelope(EnvelopeID)

    /// Parses smtpctl's argument: `all`, 8 hex digits (a message) or 16 (an envelope).
    public init?(_ text: String) {
        if text == "all" {
            self = .all
        } else if let message = MessageID(hex: text) {
            self = .message(message)
        } else if let envelope = EnvelopeID(hex: text) {
            self = .envelope(envelope)
        } else {
            return nil
        }
    }

    func matches(_ id: EnvelopeID) -> Bool {
        switch self {
        case .all: true
        case .message(let message): id.messageID == message
        case .envelope(let envelope): id == envelope
        }
    }
}
