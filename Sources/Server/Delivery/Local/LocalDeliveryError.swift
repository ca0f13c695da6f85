#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a local delivery did not happen: the writers throw it, `LocalDeliverer` turns it into a `DeliveryOutcome`.
enum LocalDeliveryError: Error, Equatable {
    /// Retry later: a full disk or quota, a lock held too long, a failing system call.
    case temporary(String)
    /// Bounce: an unknown user, a bad path, a command that refused the message.
    case permanent(String)

    /// A failed file operation: a full disk or quota is a temporary failure (issue 5 item 9), and so is any other
    /// system error, as OpenSMTPD's mail.maildir and mail.local exit with EX_TEMPFAIL/EX_OSERR for them.
    init(_ error: QueueError) {
        switch error {
        case .diskFull(let path): self = .temporary("Disk full or over quota: \(path)")
        case .system(let operation, let path, let code):
            self = .temporary("\(operation) \(path): \(String(cString: strerror(code)))")
        default: self = .temporary(error.description)
        }
    }

    /// Runs a file-system step, converting its `QueueError`.
    static func wrap<T>(_ body: () throws(QueueError) -> T) throws(LocalDeliveryError) -> T {
        do throws(QueueError) {
            return try body()
        } catch {
            throw LocalDeliveryError(error)
        }
    }

    var outcome: DeliveryOutcome {
        switch self {
        case .temporary(let text): .temporaryFailure(text)
        case .permanent(let text): .permanentFailure(text)
        }
    }
}
