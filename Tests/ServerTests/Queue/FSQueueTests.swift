import Foundation
import Testing
@testable import Server

@Suite("FSQueue")
struct FSQueueTests {
    @Test func commitThenLoadAllFindsItWhole() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue, recipients: ["bob@example.net", "carol@example.net"])
        #expect(committed.envelopes.count == 2)
        #expect(committed.envelopes.allSatisfy { $0.id?.messageID == committed.id })
        #expect(dir.names(in: "incoming").isEmpty)

        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.envelopes == committed.envelopes.sorted { $0.id! < $1.id! })
        #expect(scan.corrupt.isEmpty)
        let body = try await queue.readBody(committed.id)
        #expect(String(decoding: body, as: UTF8.self) == "Subject: hi\r\n\r\nhello\r\n")
    }

    @Test func abortLeavesNothing() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let message = try await queue.beginMessage()
        try await queue.append(message, Array("partial".utf8))
        #expect(dir.names(in: "incoming") == [message.id.description])
        await queue.abort(message)
        #expect(dir.names(in: "incoming").isEmpty)
        #expect(dir.names(in: "queue").isEmpty)
        await #expect(throws: QueueError.messageClosed(message.id)) {
            try await queue.append(message, [0x41])
        }
    }

    @Test func concurrentCommitsAreAllDurableWithDistinctIDs() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await withThrowingTaskGroup(of: CommittedMessage.self) { group in
            for index in 0..<200 {
                group.addTask { try await commitMessage(queue, body: "message \(index)\r\n") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(committed.map(\.id)).count == 200)
        let counts = queue.commitCounts
        #expect(counts.messages == 200)
        #expect(counts.batches < 200, "commits that arrive during a sync share the next one")
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.envelopes.count == 200)
        #expect(Set(scan.envelopes.map { $0.id!.messageID }) == Set(committed.map(\.id)))
        for message in committed.prefix(10) {
            let body = String(decoding: try await queue.readBody(message.id), as: UTF8.self)
            #expect(body.hasPrefix("message "))
        }
    }

    @Test func concurrentCommitsWithSeveralRecipientsKeepEveryEnvelope() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let recipients = ["a@example.net", "b@example.net", "c@example.net"]
        let committed = try await withThrowingTaskGroup(of: CommittedMessage.self) { group in
            for index in 0..<40 {
                group.addTask { try await commitMessage(queue, body: "message \(index)\r\n", recipients: recipients) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(dir.names(in: "incoming").isEmpty)
        for message in committed {
            #expect(dir.names(in: "queue/\(message.id)").count == 4, "the body and three envelopes")
        }
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.envelopes.count == 120)
    }

    @Test func parallelJobsAnswerInOrder() async {
        let queue = FSQueue(directory: TemporaryQueueDirectory().path)
        let jobs: [@Sendable () -> Int] = (0..<50).map { index in { index * index } }
        let results = await withCheckedContinuation { continuation in
            queue.commitQueue.async { continuation.resume(returning: queue.inParallel(jobs)) }
        }
        #expect(results == (0..<50).map { $0 * $0 })
    }

    @Test func startupRemovesUncommittedAndKeepsRenamed() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let kept = try await commitMessage(queue)
        // kill -9 in the middle of DATA: a body (and even envelope files) left in incoming/.
        let interrupted = try await queue.beginMessage()
        try await queue.append(interrupted, Array("half a mess".utf8))
        try dir.write("version: 1\n", to: "incoming/\(interrupted.id)/\(EnvelopeID.random(in: interrupted.id))")

        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.removedIncoming == 1)
        #expect(dir.names(in: "incoming").isEmpty)
        #expect(scan.envelopes.map { $0.id!.messageID } == [kept.id])
        #expect(dir.read("queue/\(kept.id)/message") == "Subject: hi\r\n\r\nhello\r\n")
    }

    // Without the commit journal wherever a test here damages files as a machine stop could: the journal
    // would put them back (FSQueueJournalTests).
    @Test func corruptEnvelopeMovesToCorruptWithItsBody() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, journalCapacity: 0)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue, recipients: ["bob@example.net", "carol@example.net"])
        let bad = committed.envelopes[0].id!
        try dir.write("version: 1\nevpid: garbage", to: "queue/\(committed.id)/\(bad)")

        let scan = try await FSQueue(directory: dir.path, journalCapacity: 0).loadAll()
        #expect(scan.envelopes.map(\.id) == [committed.envelopes[1].id])
        #expect(scan.corrupt.count == 1)
        #expect(dir.names(in: "corrupt/\(committed.id)") == ["\(bad)", "message"].sorted())
        #expect(dir.read("corrupt/\(committed.id)/message") == "Subject: hi\r\n\r\nhello\r\n")
        #expect(!dir.exists("queue/\(committed.id)/\(bad)"))
    }

    @Test func unknownEntriesInQueueAreMovedNotDeleted() async throws {
        let dir = TemporaryQueueDirectory()
        _ = try await FSQueue(directory: dir.path).loadAll()
        try dir.write("stray", to: "queue/not-a-message")
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.corrupt.count == 1)
        #expect(dir.read("corrupt/unknown-not-a-message") == "stray")
    }

    @Test func updateEnvelopeIsAtomicAndSurvivesRestart() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue)
        var envelope = committed.envelopes[0]
        envelope.retries = 3
        envelope.lastTry = 1_764_000_100
        envelope.nextTry = 1_764_000_900
        envelope.lastError = "451 4.2.0 mailbox busy\r\nsecond line é %"
        try await queue.updateEnvelope(envelope)
        #expect(dir.names(in: "queue/\(committed.id)").allSatisfy { !$0.hasSuffix(".tmp") })

        // A rewrite interrupted by a crash leaves a .tmp beside the intact old file.
        try dir.write("version: 1\nhalf", to: "queue/\(committed.id)/\(envelope.id!).tmp")
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.envelopes == [envelope])
        #expect(!dir.exists("queue/\(committed.id)/\(envelope.id!).tmp"))
    }

    @Test func removingTheLastEnvelopeRemovesTheMessage() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue, recipients: ["bob@example.net", "carol@example.net"])
        try await queue.removeEnvelope(committed.envelopes[0].id!)
        #expect(dir.exists("queue/\(committed.id)/message"))
        try await queue.removeEnvelope(committed.envelopes[1].id!)
        #expect(dir.names(in: "queue").isEmpty)
        await #expect(throws: QueueError.notFound("envelope \(committed.envelopes[1].id!)")) {
            try await queue.removeEnvelope(committed.envelopes[1].id!)
        }
    }

    @Test func removalsAtTheSameTimeShareTheFsyncOfQueue() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, journalCapacity: 0)
        _ = try await queue.loadAll()
        var envelopes: [EnvelopeID] = []
        for _ in 0..<100 { envelopes += try await commitMessage(queue).envelopes.map { $0.id! } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in envelopes { group.addTask { try await queue.removeEnvelope(id) } }
            try await group.waitForAll()
        }
        #expect(dir.names(in: "queue").isEmpty)
        let syncs = queue.queueDirectorySync.syncCount
        #expect(syncs >= 1 && syncs < 100, "removals that wait during an fsync share the next one")
    }

    @Test func envelopesOfOneMessageRemovedAtOnceAllSucceed() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        // The last two removals of a message can both unlink before either looks at the directory; the one
        // that looks second must not fail because the first already removed it.
        for _ in 0..<100 {
            let committed = try await commitMessage(queue, recipients: ["a@example.net", "b@example.net", "c@example.net"])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for envelope in committed.envelopes { group.addTask { try await queue.removeEnvelope(envelope.id!) } }
                try await group.waitForAll()
            }
        }
        #expect(dir.names(in: "queue").isEmpty)
    }

    @Test func bodyLeftWithoutEnvelopesIsRemovedAtStartup() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, journalCapacity: 0)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue)
        // A crash between unlinking the last envelope and removing the body.
        try FileManager.default.removeItem(atPath: dir.path + "/queue/\(committed.id)/\(committed.envelopes[0].id!)")
        let scan = try await FSQueue(directory: dir.path, journalCapacity: 0).loadAll()
        #expect(scan.envelopes.isEmpty)
        #expect(dir.names(in: "queue").isEmpty)
    }

    @Test func diskFullDuringAppendRemovesThePartialMessage() async throws {
        let dir = TemporaryQueueDirectory()
        let disk = FillableDisk()
        let queue = FSQueue(directory: dir.path, fileSystem: disk.fileSystem)
        _ = try await queue.loadAll()
        let message = try await queue.beginMessage()
        try await queue.append(message, Array("first chunk".utf8))
        disk.full = true
        // Appends are kept in memory up to the limit; the one that reaches it writes, and meets the full disk.
        let more = [UInt8](repeating: 0x41, count: FSQueue.bodyBufferLimit)
        let error = await #expect(throws: QueueError.self) { try await queue.append(message, more) }
        #expect(error?.isDiskFull == true)
        #expect(dir.names(in: "incoming").isEmpty)
        #expect(dir.names(in: "queue").isEmpty)
    }

    @Test func diskFullDuringCommitPublishesNothing() async throws {
        let dir = TemporaryQueueDirectory()
        let disk = FillableDisk()
        let queue = FSQueue(directory: dir.path, fileSystem: disk.fileSystem)
        _ = try await queue.loadAll()
        let message = try await queue.beginMessage()
        try await queue.append(message, Array("body".utf8))
        disk.full = true  // the envelope files cannot be written
        let error = await #expect(throws: QueueError.self) {
            try await queue.commit(message, envelopes: [sampleEnvelope()])
        }
        #expect(error?.isDiskFull == true)
        #expect(dir.names(in: "incoming").isEmpty)
        #expect(dir.names(in: "queue").isEmpty)
        disk.full = false
        _ = try await commitMessage(queue)  // the queue works again once space is back
        #expect(dir.names(in: "queue").count == 1)
    }

    @Test func commitWithoutEnvelopesIsRefused() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let message = try await queue.beginMessage()
        await #expect(throws: QueueError.noEnvelopes) { try await queue.commit(message, envelopes: []) }
        #expect(dir.names(in: "incoming").isEmpty)
    }
}
