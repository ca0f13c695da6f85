import PeerSupport
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

@Suite("Scheduler envelope table: the time index")
struct EnvelopeTableIndexTests {
    /// The answers `due`, `expired` and the earliest times must give, worked out from `pending` alone.
    private func expectedDue(_ table: EnvelopeTable, now: Int64, paused: Set<DeliveryClass>, limit: Int) -> [EnvelopeID] {
        let due = table.pending
            .filter { $0.value.nextTry <= now && !paused.contains($0.value.deliveryClass) }
            .map { (nextTry: $0.value.nextTry, id: $0.key) }
            .sorted { ($0.nextTry, $0.id) < ($1.nextTry, $1.id) }
        var chosen: [MessageID] = []
        for entry in due where !chosen.contains(entry.id.messageID) && chosen.count < limit {
            chosen.append(entry.id.messageID)
        }
        return due.map(\.id).filter { chosen.contains($0.messageID) }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func answersMatchAScanOfThePendingEnvelopesThroughRandomChanges(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var table = EnvelopeTable(queueTTL: 500)
        let methods = ["maildir", "relay", "mbox"]
        for step in 0..<3000 {
            let message = UInt32.random(in: 1...40, using: &random)
            let id = try #require(EnvelopeID(rawValue: UInt64(message) << 32 | UInt64.random(in: 1...4, using: &random)))
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                let envelope = scheduledEnvelope(
                    message: message, index: UInt32(id.rawValue & 0xffff_ffff),
                    method: methods.randomElement(using: &random)!, created: Int64.random(in: 0...300, using: &random),
                    expire: Bool.random(using: &random) ? 0 : Int64.random(in: 100...900, using: &random),
                    nextTry: Int64.random(in: 0...600, using: &random))
                table[id] = SchedulerStateMachine.Entry(envelope: envelope, state: .pending)
            case 4..<6:
                table[id]?.envelope.nextTry = Int64.random(in: 0...600, using: &random)
            case 6:
                table[id]?.state = .inflight(since: 0)
            case 7:
                table[id]?.state = .pending
            case 8:
                table[id]?.removeRequested = true
            default:
                table[id] = nil
            }
            guard step % 7 == 0 else { continue }
            let now = Int64.random(in: 0...700, using: &random)
            let paused: Set<DeliveryClass> = [[], [.mta], [], [.mda], [.mda, .mta]][(step / 7) % 5]
            let limit = Int.random(in: 0...6, using: &random)
            #expect(table.due(now: now, skipping: paused, messages: limit)
                == expectedDue(table, now: now, paused: paused, limit: limit), "step \(step)")
            #expect(Set(table.expired(now: now)) == Set(table.pending.filter { $0.value.expiry <= now }.keys))
            #expect(table.earliestExpiry() == table.pending.values.map(\.expiry).min())
            #expect(table.earliestNextTry(skipping: paused)
                == table.pending.values.filter { !paused.contains($0.deliveryClass) }.map(\.nextTry).min())
        }
    }

    @Test func theIndexDoesNotGrowWithEnvelopesThatCameAndWent() throws {
        var table = EnvelopeTable(queueTTL: 4 * 86400)
        for message in UInt32(1)...20_000 {
            let envelope = scheduledEnvelope(message: message, index: 1, nextTry: 0)
            let id = try #require(envelope.id)
            table[id] = SchedulerStateMachine.Entry(envelope: envelope, state: .pending)
            #expect(table.due(now: 10, skipping: [], messages: 1) == [id])
            table[id]?.state = .inflight(since: 10)
            table[id] = nil
        }
        #expect(table.pending.isEmpty)
        #expect(table.indexSize.byNextTry <= 1024 && table.indexSize.byExpiry <= 1025)
    }

    @Test func aQueueOfDeferredEnvelopesIsNotScannedToFindTheDueOnes() throws {
        // 50,000 envelopes deferred for an hour and one due now: the due one comes out first and alone, and
        // asking leaves the deferred ones' entries in place rather than visiting each of them.
        var table = EnvelopeTable(queueTTL: 4 * 86400)
        for message in UInt32(1)...50_000 {
            let envelope = scheduledEnvelope(message: message, index: 1, nextTry: 3600)
            table[try #require(envelope.id)] = SchedulerStateMachine.Entry(envelope: envelope, state: .pending)
        }
        let urgent = scheduledEnvelope(message: 60_000, index: 1, nextTry: 5)
        table[try #require(urgent.id)] = SchedulerStateMachine.Entry(envelope: urgent, state: .pending)
        #expect(table.due(now: 10, skipping: [], messages: 100) == [urgent.id])
        #expect(table.earliestNextTry(skipping: []) == 5)
        #expect(table.indexSize.byNextTry == 50_001)
    }
}
