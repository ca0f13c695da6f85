#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value computed on first use and then kept, safely shared between threads.
///
/// Tables are immutable values shared by every session, but some of what they hold is worth computing only
/// when it is needed: the sorted key order of a million-entry table costs a sort, and most tables are never
/// searched in that order. `Synchronization.Mutex` would do, but it needs macOS 15 and the package supports
/// macOS 14, so this holds a plain pthread mutex. The rule engine uses it too (compiled patterns), through
/// `@_spi(TernInternal)`: not API, and unlike `package` it needs no package name, so the fuzzers still build
/// with plain swiftc.
@_spi(TernInternal)
public final class LazyOnce<Value: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value?

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The value, computing it with `make` the first time. Concurrent first callers wait for one computation.
    public func get(_ make: () -> Value) -> Value {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let value { return value }
        let made = make()
        value = made
        return made
    }
}
