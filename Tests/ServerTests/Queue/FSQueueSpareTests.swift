import Foundation
import Testing
@testable import Server

/// Message directories made ahead of MAIL FROM (FSQueue+Spares.swift).
@Suite("FSQueue spare messages")
struct FSQueueSpareTests {
    @Test func sparesAreMadeAfterLoadAllTakenByBeginMessageAndReplaced() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, spareMessages: 3)
        #expect(dir.names(in: "incoming").isEmpty)
        _ = try await queue.loadAll()
        let ready = try await namesWhenCount(3, in: "incoming", of: dir)
        let message = try await queue.beginMessage()
        #expect(ready.contains(message.id.description))
        let refilled = try await namesWhenCount(4, in: "incoming", of: dir)  // the taken one and three spares
        #expect(refilled.contains(message.id.description))

        try await queue.append(message, Array("Subject: hi\r\n\r\nhello\r\n".utf8))
        let committed = try await queue.commit(message, envelopes: [sampleEnvelope()])
        #expect(committed.id == message.id)
        #expect(dir.names(in: "queue") == [message.id.description])
        #expect(dir.read("queue/\(message.id)/message") == "Subject: hi\r\n\r\nhello\r\n")
        #expect(!dir.names(in: "incoming").contains(message.id.description))
    }

    @Test func anAbortedSpareIsRemovedAndTheNextStartClearsTheRest() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, spareMessages: 2)
        _ = try await queue.loadAll()
        _ = try await namesWhenCount(2, in: "incoming", of: dir)
        let message = try await queue.beginMessage()
        await queue.abort(message)
        let left = try await namesWhenCount(2, in: "incoming", of: dir)
        #expect(!left.contains(message.id.description))
        // Spares are uncommitted messages like any other: the next start removes them.
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.removedIncoming == 2)
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
