import Dispatch

/// Runs blocking calls (crypt, getspnam, waitpid) off the event loops and off Swift's cooperative pool, whose
/// few threads must never sleep in a system call.
enum BlockingWork {
    private static let queue = DispatchQueue(label: "tern.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
