/// What one delivery attempt did for one envelope. The scheduler turns it into the queue's next step:
/// remove the envelope, retry it later, or bounce it.
public enum DeliveryOutcome: Sendable, Hashable {
    /// Done and durable. The text is the log's `stat=` (`Delivered`, or the remote server's reply).
    case delivered(String)
    /// Try again later (a 4xx reply, a full disk, an MDA exit 75, a connection that failed).
    case temporaryFailure(String)
    /// Never going to work (a 5xx reply, an unknown user, an MDA's other exits): bounce with this text.
    case permanentFailure(String)

    public var text: String {
        switch self {
        case .delivered(let text), .temporaryFailure(let text), .permanentFailure(let text): text
        }
    }
}
