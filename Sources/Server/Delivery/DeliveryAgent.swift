#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Delivers queued envelopes by one method: local delivery (maildir, mbox, mda, file, pipe), LMTP, or relay.
///
/// The scheduler hands an agent the envelopes of one message that share a method, target and delivery user, so
/// that an LMTP or SMTP client can send the message once for all of them. The agent never touches the queue:
/// it returns one outcome per envelope, in the order given, and the scheduler records them.
public protocol DeliveryAgent: Sendable {
    /// - Parameters:
    ///   - envelopes: one message's envelopes (same `method`, `target` and `deliveryUser`); never empty.
    ///   - body: the queued body, opened read-only; the agent reads it with `pread` from offset 0 (several
    ///     deliveries may share it) and does not close it. The bytes are as received, LF line ends, dot-stuffing
    ///     removed: a network client writes CRLF and stuffs dots again.
    /// - Returns: exactly one outcome per envelope, same order.
    func deliver(_ envelopes: [QueuedEnvelope], body: MessageBody) async -> [DeliveryOutcome]
}

/// A committed message body, open for reading.
public struct MessageBody: Sendable {
    public let messageID: MessageID
    /// Read-only descriptor owned by the caller.
    public let descriptor: Int32
    /// Its size in bytes.
    public let size: Int

    public init(messageID: MessageID, descriptor: Int32, size: Int) {
        self.messageID = messageID
        self.descriptor = descriptor
        self.size = size
    }

    /// Reads `count` bytes at `offset` (fewer at the end of the file). Blocking: call it off the event loop.
    public func read(at offset: Int, count: Int) throws(QueueError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(0, min(count, size - offset)))
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw QueueError.fromErrno("read", "message \(messageID)")
            }
            if n == 0 { break }
            done += n
        }
        buffer.removeLast(buffer.count - done)
        return buffer
    }

    /// The whole body. Blocking.
    public func readAll() throws(QueueError) -> [UInt8] { try read(at: 0, count: size) }
}
