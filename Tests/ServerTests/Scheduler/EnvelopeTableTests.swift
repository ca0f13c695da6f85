import Testing
@testable import Server

@Suite("Scheduler envelope table")
struct EnvelopeTableTests {
    @Test func thePendingIndexFollowsEveryChangeMadeThroughTheSubscript() throws {
        var table = EnvelopeTable(queueTTL: 100)
        let relayed = scheduledEnvelope(message: 0xa1, index: 1, method: "relay", created: 50, expire: 0, nextTry: 7)
        let local = scheduledEnvelope(message: 0xa1, index: 2, expire: 900, nextTry: 3)
        let relayedID = try #require(relayed.id), localID = try #require(local.id)
        table[relayedID] = SchedulerStateMachine.Entry(envelope: relayed, state: .pending)
        table[localID] = SchedulerStateMachine.Entry(envelope: local, state: .pending)
        #expect(table.pending[relayedID] == .init(nextTry: 7, expiry: 150, deliveryClass: .mta))
        #expect(table.pending[localID] == .init(nextTry: 3, expiry: 900, deliveryClass: .mda))

        table[relayedID]?.state = .inflight(since: 8)
        #expect(table.pending[relayedID] == nil)
        table[relayedID]?.envelope.nextTry = 40
        table[relayedID]?.state = .pending
        #expect(table.pending[relayedID]?.nextTry == 40)

        table[localID]?.envelope.nextTry = 0  // smtpctl schedule
        #expect(table.pending[localID]?.nextTry == 0)
        table[localID]?.state = .recording
        #expect(table.pending[localID] == nil)
        table[localID] = nil
        #expect(table.count == 1 && table.pending.count == 1)
        #expect(Set(table.map(\.key)) == [relayedID])
    }

    @Test func withFewSlotsTheOldestMessagesGoFirstWithAllTheirDueEnvelopes() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings(maxConcurrentDeliveries: 2))
        machine.add([
            scheduledEnvelope(message: 0xa1, index: 1, nextTry: 10),
            scheduledEnvelope(message: 0xb2, index: 1, nextTry: 11),
            scheduledEnvelope(message: 0xa1, index: 2, nextTry: 12),  // due later, still goes with a1's first
            scheduledEnvelope(message: 0xc3, index: 1, method: "mbox", target: "", nextTry: 5),
            scheduledEnvelope(message: 0xd4, index: 1, nextTry: 1),
        ])
        let first = machine.tick(now: 20).batches
        #expect(first.map { $0.envelopes.map { $0.id!.description } } == [["000000d400000001"], ["000000c300000001"]])
        _ = machine.deliveryFinished(first[0].id, outcomes: [.delivered("Delivered")], now: 21)
        _ = machine.deliveryFinished(first[1].id, outcomes: [.delivered("Delivered")], now: 21)
        let second = machine.tick(now: 21).batches
        #expect(second.map { $0.envelopes.map { $0.id!.description } } == [
            ["000000a100000001", "000000a100000002"], ["000000b200000001"],
        ])
    }
}
