import Foundation

/// A value behind a lock, for the little state the queue shares between its threads. (`Mutex` from
/// Synchronization needs macOS 15; the package still builds for macOS 14.)
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
