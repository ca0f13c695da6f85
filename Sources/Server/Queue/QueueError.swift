#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a queue operation failed. The SMTP layer answers `diskFull` with 452 4.3.1 (OpenSMTPD's
/// "Temporary failure" when the queue cannot take the message) and any other error with 421/451.
public enum QueueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// ENOSPC or EDQUOT: the partial message has already been removed.
    case diskFull(path: String)
    /// Any other system call failure; the partial message has already been removed.
    case system(operation: String, path: String, errno: Int32)
    /// An envelope file that does not parse; `loadAll` moves such files to corrupt/.
    case corruptEnvelope(path: String, reason: String)
    /// The message or envelope is not in queue/ (already delivered or removed).
    case notFound(String)
    /// The incoming message was already committed or aborted.
    case messageClosed(MessageID)
    /// A commit needs at least one envelope: a message nobody gets would never leave the queue.
    case noEnvelopes
    /// Another process holds the queue's lock (QueueLock.swift); `holder` is the pid it wrote, if any.
    case inUse(directory: String, holder: Int32?)

    /// True when the SMTP reply must be 452 4.3.1 (insufficient system storage).
    public var isDiskFull: Bool {
        if case .diskFull = self { return true }
        return false
    }

    static func fromErrno(_ operation: String, _ path: String, _ code: Int32 = errno) -> QueueError {
        if code == ENOSPC || code == EDQUOT { return .diskFull(path: path) }
        return .system(operation: operation, path: path, errno: code)
    }

    public var description: String {
        switch self {
        case .diskFull(let path): "queue: no space left on device (\(path))"
        case .system(let operation, let path, let code): "queue: \(operation) \(path): \(String(cString: strerror(code)))"
        case .corruptEnvelope(let path, let reason): "queue: corrupt envelope \(path): \(reason)"
        case .notFound(let what): "queue: \(what) not found"
        case .messageClosed(let id): "queue: message \(id) already committed or aborted"
        case .noEnvelopes: "queue: a message needs at least one envelope"
        case .inUse(let directory, let holder):
            "queue: \(directory) is in use by another smtpd" + (holder.map { " (pid \($0))" } ?? "")
                + "; one queue serves one daemon at a time"
        }
    }
}
