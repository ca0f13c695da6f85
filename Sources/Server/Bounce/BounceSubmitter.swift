/// Puts a notification into the queue. The daemon implements it: it routes `recipient` through the rules as
/// mail from the null sender `<>` (so the notification itself can never bounce) and commits it into the
/// queue, then hands the committed message to the scheduler.
public protocol BounceSubmitter: Sendable {
    /// - Parameters:
    ///   - recipient: the original sender, never empty.
    ///   - message: a complete message, headers and body, with LF line ends as the queue stores them.
    /// - Throws: when the message is not durably queued; the scheduler then keeps the failed envelopes and
    ///   tries the notification again later.
    func submitBounce(to recipient: String, message: [UInt8]) async throws
}
