import Foundation
import Testing
@testable import Server

/// The commit journal: its frames, and start-up making whole what a machine stop lost. A machine stop is played
/// by damaging the queue's files as an unsynced write could leave them, then opening the queue again.
@Suite("FSQueue commit journal")
struct FSQueueJournalTests {
    @Test func framesRoundTripAndStopAtDamage() throws {
        let message = try #require(MessageID(rawValue: 0x1a2b_3c4d))
        let envelope = try #require(EnvelopeID(rawValue: 0x1a2b_3c4d_00c0_ffee))
        let committed = JournalRecord.committed(.init(
            message: message, body: Array("Subject: hi\r\n\r\nhello\r\n".utf8),
            envelopes: [.init(id: envelope, bytes: Array("version: 1\n".utf8))]))
        let removed = JournalRecord.removed(envelope)
        let bytes = JournalFrame.encode(committed, generation: 7) + JournalFrame.encode(removed, generation: 7)
        #expect(bytes.count == JournalFrame.size(of: committed) + JournalFrame.size(of: removed))

        let first = try #require(JournalFrame.decode(bytes[...], at: 0, generation: 7))
        #expect(first.0 == committed)
        let second = try #require(JournalFrame.decode(bytes[...], at: first.next, generation: 7))
        #expect(second.0 == removed)
        #expect(second.next == bytes.count)
        #expect(JournalFrame.decode(bytes[...], at: second.next, generation: 7) == nil)

        #expect(JournalFrame.decode(bytes[...], at: 0, generation: 6) == nil, "another generation's frame")
        #expect(JournalFrame.decode(bytes[..<(first.next - 1)], at: 0, generation: 7) == nil, "a frame cut short")
        for position in [4, 12, JournalFrame.headerSize, first.next - 1] {
            var damaged = bytes
            damaged[position] ^= 0x01
            #expect(JournalFrame.decode(damaged[...], at: 0, generation: 7) == nil, "a changed byte at \(position)")
        }
    }

    @Test func whatAMachineStopLostIsMadeWhole() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let lostDirectory = try await commitMessage(queue)
        let zeroedBody = try await commitMessage(queue, body: "Subject: two\r\n\r\nsecond\r\n")
        let lostEnvelope = try await commitMessage(queue, recipients: ["bob@example.net", "carol@example.net"])
        let untouched = try await commitMessage(queue)
        let expected = try await FSQueue(directory: dir.path, journalCapacity: 0).loadAll().envelopes

        try FileManager.default.removeItem(atPath: dir.path + "/queue/\(lostDirectory.id)")
        try dir.write(String(repeating: "\0", count: 24), to: "queue/\(zeroedBody.id)/message")
        try FileManager.default.removeItem(atPath: dir.path + "/queue/\(lostEnvelope.id)/\(lostEnvelope.envelopes[1].id!)")
        try dir.write("version: 1\nhalf", to: "queue/\(lostEnvelope.id)/\(lostEnvelope.envelopes[0].id!)")

        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.restoredFromJournal == 3)
        #expect(scan.envelopes == expected)
        #expect(scan.corrupt.isEmpty)
        #expect(dir.read("queue/\(lostDirectory.id)/message") == "Subject: hi\r\n\r\nhello\r\n")
        #expect(dir.read("queue/\(zeroedBody.id)/message") == "Subject: two\r\n\r\nsecond\r\n")
        #expect(dir.names(in: "queue").sorted() == [lostDirectory, zeroedBody, lostEnvelope, untouched].map(\.id.description).sorted())

        // The start-up checkpoint began a new generation: the same damage now stays (the scan sees it).
        try FileManager.default.removeItem(atPath: dir.path + "/queue/\(untouched.id)")
        let again = try await FSQueue(directory: dir.path).loadAll()
        #expect(again.restoredFromJournal == 0)
        #expect(!dir.exists("queue/\(untouched.id)"))
    }

    @Test func removedEnvelopesStayRemoved() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue, recipients: ["bob@example.net", "carol@example.net"])
        let (delivered, waiting) = (committed.envelopes[0], committed.envelopes[1])
        try await queue.removeEnvelope(delivered.id!)
        #expect(!dir.exists("queue/\(committed.id)/\(delivered.id!)"))
        let whole = try await commitMessage(queue)
        try await queue.removeEnvelope(whole.envelopes[0].id!)
        #expect(!dir.exists("queue/\(whole.id)"))

        // The stop lost the message directory, and kept the delivered message's last envelope, whose unlink
        // never reached the disk.
        try FileManager.default.removeItem(atPath: dir.path + "/queue/\(committed.id)")
        try FileManager.default.createDirectory(atPath: dir.path + "/queue/\(whole.id)", withIntermediateDirectories: false)
        try dir.write("Subject: hi\r\n\r\nhello\r\n", to: "queue/\(whole.id)/message")
        try dir.write(String(decoding: EnvelopeFileFormat.encode(whole.envelopes[0], id: whole.envelopes[0].id!), as: UTF8.self),
            to: "queue/\(whole.id)/\(whole.envelopes[0].id!)")

        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.envelopes == [waiting])
        #expect(dir.names(in: "queue") == [committed.id.description])
        #expect(dir.names(in: "queue/\(committed.id)").sorted() == ["message", waiting.id!.description].sorted())
    }

    @Test func removalsThatCommitsTakeAlongLeaveOneTimerAtATime() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        var delivered: [EnvelopeID] = []
        for _ in 0..<20 { delivered.append(try #require(try await commitMessage(queue).envelopes[0].id)) }
        let timersBefore = queue.removalTimers.set
        let clock = ContinuousClock()
        let start = clock.now
        for id in delivered {
            let removal = Task { try await queue.removeEnvelope(id) }
            while queue.removalTimers.waiting == 0 { await Task.yield() }
            // A commit takes the waiting removal along into its batch.
            _ = try await commitMessage(queue)
            try await removal.value
        }
        let elapsed = clock.now - start
        // One timer stands for every removal that comes while it is set. Each removal used to set its own
        // (20 here); now at most one per removalDelay that passed, and one more.
        let windows = Int((elapsed / .milliseconds(Int(FSQueue.removalDelay * 1000))).rounded(.up))
        #expect(queue.removalTimers.set - timersBefore <= min(windows + 1, delivered.count - 1),
            "\(queue.removalTimers.set - timersBefore) timers in \(elapsed)")
        for id in delivered { #expect(!dir.exists("queue/\(id.messageID)")) }

        // A removal that no commit takes along is still made durable by its timer, on its own.
        let last = try #require(try await commitMessage(queue).envelopes[0].id)
        try await queue.removeEnvelope(last)
        #expect(!dir.exists("queue/\(last.messageID)"))
    }

    @Test func aRecordCutShortEndsTheReplay() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let first = try await commitMessage(queue, body: "Subject: first\r\n\r\nbody\r\n")
        let last = try await commitMessage(queue, body: "Subject: last\r\n\r\nbody\r\n")
        // A stop during the last record's write: one of its bytes never reached the disk.
        let journalPath = dir.path + "/" + CommitJournal.fileName
        var journal = try [UInt8](Data(contentsOf: URL(fileURLWithPath: journalPath)))
        let lastSubject = Array("Subject: last".utf8)
        let at = try #require(journal.indices.first { journal[$0...].starts(with: lastSubject) })
        journal[at] = 0
        try Data(journal).write(to: URL(fileURLWithPath: journalPath))
        for lost in [first, last] { try FileManager.default.removeItem(atPath: dir.path + "/queue/\(lost.id)") }

        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.restoredFromJournal == 1)
        #expect(dir.names(in: "queue") == [first.id.description])
    }

    @Test func aFullJournalCheckpointsAndStartsAgain() async throws {
        let dir = TemporaryQueueDirectory()
        // The smallest journal: a bit over 1 MiB, so 60 KiB bodies fill it after about 17 messages.
        let queue = FSQueue(directory: dir.path, journalCapacity: 1)
        _ = try await queue.loadAll()
        #expect(queue.journalCheckpoints == 1)  // the start-up one
        let body = "Subject: big\r\n\r\n" + String(repeating: "x", count: 60 * 1024) + "\r\n"
        var committed: [CommittedMessage] = []
        while queue.journalCheckpoints < 2 { committed.append(try await commitMessage(queue, body: body)) }
        let afterCheckpoint = try await commitMessage(queue, body: body)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.path + "/" + CommitJournal.fileName)
        #expect((attributes[.size] as? Int ?? 0) <= CommitJournal.minimumCapacity)

        // Lost after the checkpoint: only the message recorded in the new generation comes back. (Those before
        // it were made durable by the checkpoint itself; here they are removed to show they are not replayed.)
        for message in committed + [afterCheckpoint] {
            try FileManager.default.removeItem(atPath: dir.path + "/queue/\(message.id)")
        }
        let scan = try await FSQueue(directory: dir.path, journalCapacity: 1).loadAll()
        #expect(scan.restoredFromJournal == 2)
        #expect(dir.names(in: "queue").sorted() == [committed.last!, afterCheckpoint].map(\.id.description).sorted())
    }

    @Test func largeBodiesTakeTheRoundOfFsyncsInstead() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let large = try await commitMessage(queue, body: String(repeating: "y", count: FSQueue.bodyBufferLimit + 1))
        let small = try await commitMessage(queue)
        for message in [large, small] { try FileManager.default.removeItem(atPath: dir.path + "/queue/\(message.id)") }
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.restoredFromJournal == 1)
        #expect(dir.names(in: "queue") == [small.id.description])
    }

    @Test func aMessageWhoseFilesFailedIsNotBroughtBack() async throws {
        let dir = TemporaryQueueDirectory()
        let disk = FillableDisk()
        let queue = FSQueue(directory: dir.path, fileSystem: disk.fileSystem)
        _ = try await queue.loadAll()
        let message = try await queue.beginMessage()
        try await queue.append(message, Array("Subject: refused\r\n\r\nbody\r\n".utf8))
        disk.full = true  // the files fail while the journal's record is synced beside them
        await #expect(throws: QueueError.self) { try await queue.commit(message, envelopes: [sampleEnvelope()]) }
        disk.full = false
        let journal = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + CommitJournal.fileName))
        #expect(journal.range(of: Data("Subject: refused".utf8)) != nil, "the record was written")

        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.restoredFromJournal == 0)
        #expect(dir.names(in: "queue").isEmpty)
    }

    @Test func withoutTheJournalNothingIsReplayed() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path, journalCapacity: 0)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue)
        #expect(!dir.exists(CommitJournal.fileName))
        try FileManager.default.removeItem(atPath: dir.path + "/queue/\(committed.id)")
        let scan = try await FSQueue(directory: dir.path, journalCapacity: 0).loadAll()
        #expect(scan.restoredFromJournal == 0)
        #expect(dir.names(in: "queue").isEmpty)
    }
}
