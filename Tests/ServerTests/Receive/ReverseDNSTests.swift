import Dispatch
import Testing
@testable import Server

/// The table of reverse lookups in flight: an answer and the deadline sweep each take a lookup out once.
@Suite("Reverse DNS deadlines")
struct ReverseDNSTests {
    @Test func theSweepResumesOnlyExpiredLookupsAndAnAnswerAfterItFindsNothing() async {
        let table = Locked(ReverseDNS.WaitingLookups())
        let now = DispatchTime.now()
        let late = Locked<UInt64?>(nil)
        async let expired: String? = withCheckedContinuation { continuation in
            late.withLock { $0 = table.withLock { $0.add(continuation, deadline: now) } }
        }
        async let answered: String? = withCheckedContinuation { continuation in
            let ticket = table.withLock { $0.add(continuation, deadline: now + .seconds(60)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) {
                table.withLock { $0.take(ticket) }?.resume(returning: "mx.example.net")
            }
        }
        // Sweep until the first lookup is in the table and expired.
        while late.withLock({ $0 }) == nil { await Task.yield() }
        for continuation in table.withLock({ $0.takeExpired(now: now + .milliseconds(1)) }) {
            continuation.resume(returning: nil)
        }
        #expect(await expired == nil)
        #expect(await answered == "mx.example.net")
        // The expired lookup's own answer, arriving late, finds nothing to resume.
        #expect(table.withLock { $0.take(late.withLock { $0 }!) } == nil)
    }
}
