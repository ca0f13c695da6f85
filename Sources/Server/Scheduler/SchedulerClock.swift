#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time in Unix seconds, as envelopes record it. Tests inject a clock they advance by hand.
public protocol SchedulerClock: Sendable {
    func now() -> Int64
    /// Returns once `now() >= deadline`; throws when the task is cancelled.
    func sleep(until deadline: Int64) async throws
}

/// The system's real-time clock.
public struct SystemSchedulerClock: SchedulerClock {
    public init() {}

    public func now() -> Int64 { Int64(time(nil)) }

    /// Task.sleep runs on another clock than the wall clock `now()` reads, and may end a little early by it:
    /// sleep again until `now()` agrees, or a timer would fire a hair before its second and be lost.
    public func sleep(until deadline: Int64) async throws {
        while true {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            let nowNanoseconds = Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
            let remaining = deadline * 1_000_000_000 - nowNanoseconds
            if remaining <= 0 { return }
            try await Task.sleep(nanoseconds: UInt64(remaining) + 1_000_000)
        }
    }
}
