import Foundation
@testable import Server

/// An envelope with a fixed id: message `message`, recipient number `index`.
func scheduledEnvelope(
    message: UInt32 = 0xa1, index: UInt32 = 1, rcpt: String? = nil, sender: String = "alice@example.org",
    method: String = "maildir", target: String = "/home/bob/Maildir", user: String? = "bob",
    created: Int64 = 1000, expire: Int64 = 1000 + 4 * 86400, nextTry: Int64 = 0, notify: String = ""
) -> QueuedEnvelope {
    let address = rcpt ?? "rcpt\(index)@example.net"
    return QueuedEnvelope(
        id: EnvelopeID(rawValue: UInt64(message) << 32 | UInt64(index))!, sender: sender, rcpt: address, dest: address,
        action: "local_mail", method: method, target: target, user: user, created: created, expire: expire,
        nextTry: nextTry, deliveryUser: user, dsn: DSNFields(notify: notify))
}

extension [SchedulerAction] {
    var batches: [DeliveryBatch] { compactMap { if case .deliver(let batch) = $0 { batch } else { nil } } }
    var records: [Record] { compactMap { if case .record(let record) = $0 { record } else { nil } } }
    var logLines: [String] { compactMap { if case .log(let line) = $0 { line.text } else { nil } } }
}

extension Record {
    var removedIDs: [EnvelopeID] { writes.compactMap { if case .remove(let id) = $0 { id } else { nil } } }
    var updatedEnvelopes: [QueuedEnvelope] { writes.compactMap { if case .update(let envelope) = $0 { envelope } else { nil } } }
}

/// A clock the test moves by hand; sleepers wake when it passes their deadline.
final class ManualClock: SchedulerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64
    private var nextToken = 0
    private var sleepers: [Int: (deadline: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]

    init(_ start: Int64) { current = start }

    func now() -> Int64 { lock.withLock { current } }

    func sleep(until deadline: Int64) async throws {
        let token = lock.withLock {
            nextToken += 1
            return nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = lock.withLock {
                    if current >= deadline || Task.isCancelled { return true }
                    sleepers[token] = (deadline, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            lock.withLock { sleepers.removeValue(forKey: token) }?.continuation.resume()
        }
        try Task.checkCancellation()
    }

    /// The earliest deadline someone sleeps until, if any.
    var earliestSleeper: Int64? { lock.withLock { sleepers.values.map(\.deadline).min() } }

    func advance(to instant: Int64) {
        let due = lock.withLock {
            current = max(current, instant)
            let due = sleepers.filter { $0.value.deadline <= current }
            for token in due.keys { sleepers[token] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }
}

/// Polls `condition` every 10 ms for up to `seconds`.
// A minute: the end-to-end suites run beside these and, blocking their threads while they wait for daemons, can
// hold back this runner's tasks for tens of seconds on a two-core machine. Passing conditions return at once.
func eventually(_ seconds: Double = 60, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return try await condition()
}
