import Foundation
import Testing
@testable import Server

/// Message directories made ahead of MAIL FROM (FSQueue+Spares.swift).
@Suite("FSQueue spare messages")
struct FSQueueSpareTests {
    @Test func sparesAreMadeAfterLoadAllTakenByBeginMessageAndRefilledBelowAQuarter() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, spareMessages: 8)
        #expect(dir.names(in: "incoming").isEmpty)
        _ = try await queue.loadAll()
        let ready = try await namesWhenCount(8, in: "incoming", of: dir)
        // The maker counts a spare (and decides whether to go on) just after its directory appears.
        #expect(await eventually(10) { queue.spareCounts.made == 8 })
        let message = try await queue.beginMessage()
        #expect(ready.contains(message.id.description))
        // Two of eight left: a quarter, so no new spare is made yet (recycling would fill the gap).
        for _ in 0..<5 { _ = try await queue.beginMessage() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(dir.names(in: "incoming").count == 8)
        #expect(queue.spareCounts.made == 8)
        // One of eight left: the maker fills up to eight again.
        _ = try await queue.beginMessage()
        let refilled = try await namesWhenCount(15, in: "incoming", of: dir)  // seven taken, eight spares
        #expect(refilled.contains(message.id.description))
        // The maker counts a spare just after its directory appears.
        #expect(await eventually(10) { queue.spareCounts.made == 15 })
        #expect(queue.spareCounts.made == 15)

        try await queue.append(message, Array("Subject: hi\r\n\r\nhello\r\n".utf8))
        let committed = try await queue.commit(message, envelopes: [sampleEnvelope()])
        #expect(committed.id == message.id)
        #expect(dir.names(in: "queue") == [message.id.description])
        #expect(dir.read("queue/\(message.id)/message") == "Subject: hi\r\n\r\nhello\r\n")
        #expect(!dir.names(in: "incoming").contains(message.id.description))
    }

    @Test func aDeliveredMessageBecomesASpareAndTheNextCommitReusesItsInodes() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, spareMessages: 2)
        _ = try await queue.loadAll()
        _ = try await namesWhenCount(2, in: "incoming", of: dir)
        let first = try await commitMessage(queue, body: "Subject: one\r\n\r\nfirst body\r\n")
        let firstEnvelope = try #require(first.envelopes.first?.id)
        let old = "queue/\(first.id)"
        let inodes = (dir.inode(old), dir.inode(old + "/message"), dir.inode(old + "/\(firstEnvelope)"))

        try await queue.removeEnvelope(firstEnvelope)
        #expect(dir.names(in: "queue").isEmpty)
        #expect(queue.spareCounts.recycled == 1)
        let spares = dir.names(in: "incoming")
        #expect(spares.count == 2)  // the one made at start left, and the recycled one
        let recycled = try #require(spares.first { dir.inode("incoming/\($0)") == inodes.0 })
        #expect(dir.names(in: "incoming/\(recycled)") == ["message", firstEnvelope.description].sorted())
        #expect(dir.read("incoming/\(recycled)/message") == "")
        #expect(dir.read("incoming/\(recycled)/\(firstEnvelope)") == "")

        // Spares are taken oldest first: the made one, then the recycled one.
        let made = try await queue.beginMessage()
        await queue.abort(made)
        let second = try await commitMessage(queue, body: "Subject: two\r\n\r\nsecond body\r\n",
            recipients: ["carol@example.net", "dave@example.net"])
        #expect(second.id.description == recycled)
        let now = "queue/\(second.id)"
        #expect(dir.inode(now) == inodes.0)
        #expect(dir.inode(now + "/message") == inodes.1)
        let envelopeInodes = second.envelopes.map { dir.inode(now + "/\($0.id!)") }
        #expect(envelopeInodes.first == inodes.2)  // the first envelope took the old file over
        #expect(envelopeInodes.last != inodes.2)
        #expect(!dir.exists(now + "/\(firstEnvelope)"))
        #expect(dir.read(now + "/message") == "Subject: two\r\n\r\nsecond body\r\n")

        // What a fresh start reads from the reused files is the second message, whole.
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.corrupt.isEmpty)
        #expect(Set(scan.envelopes.map(\.rcpt)) == ["carol@example.net", "dave@example.net"])
        #expect(Set(scan.envelopes.compactMap(\.id)) == Set(second.envelopes.compactMap(\.id)))
        let size = Int64("Subject: two\r\n\r\nsecond body\r\n".utf8.count)
        #expect(scan.envelopes.allSatisfy { $0.bodyCheck?.size == size })
    }

    @Test func onlyTheLastOfSeveralEnvelopesRecyclesTheDirectory() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, spareMessages: 2)
        _ = try await queue.loadAll()
        _ = try await namesWhenCount(2, in: "incoming", of: dir)
        let message = try await commitMessage(queue, recipients: ["carol@example.net", "dave@example.net"])
        let ids = message.envelopes.compactMap(\.id)
        try await queue.removeEnvelope(ids[0])
        #expect(queue.spareCounts.recycled == 0)
        #expect(dir.names(in: "queue/\(message.id)") == ["message", ids[1].description].sorted())
        try await queue.removeEnvelope(ids[1])
        #expect(queue.spareCounts.recycled == 1)
        #expect(dir.names(in: "queue").isEmpty)
    }

    @Test func withEnoughSparesReadyADeliveredMessageIsRemoved() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, spareMessages: 1)
        _ = try await queue.loadAll()
        _ = try await namesWhenCount(1, in: "incoming", of: dir)
        let message = try await commitMessage(queue)  // takes the spare; the maker makes another
        _ = try await namesWhenCount(1, in: "incoming", of: dir)
        try await queue.removeEnvelope(try #require(message.envelopes.first?.id))
        #expect(queue.spareCounts.recycled == 0)
        #expect(dir.names(in: "queue").isEmpty)
        #expect(dir.names(in: "incoming").count == 1)
    }

    @Test func anAbortedSpareIsRemovedAndTheNextStartClearsTheRest() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, spareMessages: 2)
        _ = try await queue.loadAll()
        _ = try await namesWhenCount(2, in: "incoming", of: dir)
        let message = try await queue.beginMessage()
        await queue.abort(message)
        let left = try await namesWhenCount(1, in: "incoming", of: dir)  // one of two left: no refill yet
        #expect(!left.contains(message.id.description))
        // Spares are uncommitted messages like any other: the next start removes them.
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.removedIncoming == 1)
        #expect(dir.names(in: "incoming").isEmpty)
    }

    @Test func withoutSparesBeginMessageMakesItsOwnDirectory() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        #expect(dir.names(in: "incoming").isEmpty)
        let message = try await queue.beginMessage()
        #expect(dir.names(in: "incoming") == [message.id.description])
    }

    /// The names in a folder once there are `count` of them; the spares are made by a background thread.
    private func namesWhenCount(_ count: Int, in sub: String, of dir: TemporaryQueueDirectory) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let names = dir.names(in: sub)
            if names.count == count { return names }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("\(sub)/ never held \(count) entries: \(dir.names(in: sub))")
        return dir.names(in: sub)
    }
}
