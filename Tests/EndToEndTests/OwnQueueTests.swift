import PeerSupport
import Testing

/// The end-to-end suites block while they wait; `.ownQueue` must keep those waits off the cooperative pool.
@Suite("Tests marked .ownQueue run on a queue of their own", .ownQueue)
struct OwnQueueTests {
    @Test func synchronousTestRunsOnItsQueue() {
        #expect(OwnQueue.isCurrent)
    }

    @Test func asynchronousTestStaysOnItsQueueAcrossSuspensions() async throws {
        #expect(OwnQueue.isCurrent)
        try await Task.sleep(for: .milliseconds(10))
        #expect(OwnQueue.isCurrent)
    }
}

@Suite("Tests without .ownQueue run on the cooperative pool")
struct WithoutOwnQueueTests {
    @Test func runsElsewhere() {
        #expect(!OwnQueue.isCurrent)
    }
}
