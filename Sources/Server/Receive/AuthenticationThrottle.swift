import Dispatch

/// Grows the wait before `535 Authentication failed` for a client address that keeps failing: OpenSMTPD waits
/// a fixed time; a guesser from one address here waits 1, 2, 4 … up to 16 seconds per try. Successes reset the
/// count; counts older than `window` are forgotten.
final class AuthenticationThrottle: Sendable {
    private struct Record {
        var failures: Int
        var last: UInt64
    }

    private let records = Locked([String: Record]())
    private let window: UInt64 = 15 * 60 * 1_000_000_000
    /// The wait after the first failure; doubled for each further one.
    let firstDelay: Duration
    let maximumDelay: Duration

    init(firstDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(16)) {
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
    }

    /// Records a failure and returns how long to wait before answering it.
    func failed(address: String) -> Duration {
        let now = DispatchTime.now().uptimeNanoseconds
        let failures = records.withLock { records in
            var record = records[address] ?? Record(failures: 0, last: now)
            if now - record.last > window { record.failures = 0 }
            record.failures += 1
            record.last = now
            records[address] = record
            if records.count > 100_000 { records = records.filter { now - $0.value.last <= window } }
            return record.failures
        }
        let delay = firstDelay * (1 << min(failures - 1, 20))
        return min(delay, maximumDelay)
    }

    func succeeded(address: String) {
        _ = records.withLock { $0.removeValue(forKey: address) }
    }
}
