import Foundation
import Testing
@testable import Server

/// The one-round commit: appends kept in memory until the commit, the body check in every envelope, and the
/// start-up comparison after a machine restart.
@Suite("FSQueue commit round and body check")
struct FSQueueCommitRoundTests {
    /// `printf 'Subject: hi\r\n\r\nhello\r\n' | sha256sum`
    static let sampleBodySHA256 = "152f17ac7a38f5d25376dd86328a96a17551fa061a49aa32649ee50c07d9c7c2"

    @Test func smallAppendsReachTheFileAtTheCommit() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let message = try await queue.beginMessage()
        try await queue.append(message, Array("Subject: hi\r\n\r\n".utf8))
        try await queue.append(message, Array("hello\r\n".utf8))
        #expect(dir.read("incoming/\(message.id)/message") == "")
        let committed = try await queue.commit(message, envelopes: [sampleEnvelope()])
        #expect(dir.read("queue/\(committed.id)/message") == "Subject: hi\r\n\r\nhello\r\n")
    }

    @Test func largeBodiesAreWrittenAsTheyArriveAndCommittedWhole() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let message = try await queue.beginMessage()
        let chunk = [UInt8](repeating: 0x61, count: FSQueue.bodyBufferLimit / 2 + 1)
        try await queue.append(message, chunk)
        try await queue.append(message, chunk)
        let onDisk = try FileManager.default.attributesOfItem(atPath: dir.path + "/incoming/\(message.id)/message")
        #expect(onDisk[.size] as? Int == 2 * chunk.count)
        try await queue.append(message, Array("tail".utf8))
        let committed = try await queue.commit(message, envelopes: [sampleEnvelope()])
        let body = try await queue.readBody(committed.id)
        #expect(body == chunk + chunk + Array("tail".utf8))
        #expect(committed.envelopes.first?.bodyCheck?.size == Int64(body.count))
    }

    @Test func everyEnvelopeRecordsTheBodysSizeAndSHA256() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue, recipients: ["bob@example.net", "carol@example.net"])
        let expected = BodyCheck(size: 22, sha256: Self.sampleBodySHA256)
        #expect(committed.envelopes.map(\.bodyCheck) == [expected, expected])
        let file = try #require(dir.read("queue/\(committed.id)/\(committed.envelopes[0].id!)"))
        #expect(file.contains("\nbodysize: 22\nbodysha256: \(Self.sampleBodySHA256)\n"))
        #expect(dir.names(in: "incoming").isEmpty)
    }

    @Test func afterAMachineRestartATornBodyMovesToCorruptAndWholeOnesLoad() async throws {
        let dir = TemporaryQueueDirectory()
        let firstBoot = try await queueOpened(in: dir, bootID: "boot-a")
        #expect(firstBoot.scan.checkedBodies == 0)  // an empty queue: nothing to check
        let whole = try await commitMessage(firstBoot.queue)
        let torn = try await commitMessage(firstBoot.queue)
        // What a stop during the fsyncs can leave: the size written, the data not (a hole reads as zeros).
        try dir.write(String(repeating: "\0", count: 22), to: "queue/\(torn.id)/message")

        let sameBoot = try await queueOpened(in: dir, bootID: "boot-a")
        #expect(sameBoot.scan.checkedBodies == 0)  // no restart: the page cache had every byte
        #expect(sameBoot.scan.envelopes.count == 2)

        let nextBoot = try await queueOpened(in: dir, bootID: "boot-b")
        #expect(nextBoot.scan.checkedBodies == 2)
        #expect(nextBoot.scan.envelopes.map(\.id) == whole.envelopes.map(\.id))
        #expect(nextBoot.scan.corrupt.map(\.path) == [dir.path + "/queue/\(torn.id)"])
        #expect(nextBoot.scan.corrupt.first?.reason.contains("never acknowledged") == true)
        #expect(dir.names(in: "queue") == [whole.id.description])
        #expect(dir.names(in: "corrupt") == ["\(torn.id)-torn"])

        let again = try await queueOpened(in: dir, bootID: "boot-b")
        #expect(again.scan.checkedBodies == 0)  // the check is recorded once done
        #expect(again.scan.envelopes.map(\.id) == whole.envelopes.map(\.id))
    }

    @Test func aBodyOfTheWrongSizeIsTornToo() async throws {
        let dir = TemporaryQueueDirectory()
        let firstBoot = try await queueOpened(in: dir, bootID: "boot-a")
        let short = try await commitMessage(firstBoot.queue)
        try dir.write("Subject: hi\r\n", to: "queue/\(short.id)/message")
        let nextBoot = try await queueOpened(in: dir, bootID: "boot-b")
        #expect(nextBoot.scan.envelopes.isEmpty)
        #expect(dir.names(in: "corrupt") == ["\(short.id)-torn"])
    }

    @Test func envelopesWithoutABodyCheckLoadAfterARestart() async throws {
        let dir = TemporaryQueueDirectory()
        let firstBoot = try await queueOpened(in: dir, bootID: "boot-a")
        let committed = try await commitMessage(firstBoot.queue)
        let id = try #require(committed.envelopes.first?.id)
        var older = committed.envelopes[0]
        older.bodyCheck = nil  // as written before Tern recorded it
        try dir.write(String(decoding: EnvelopeFileFormat.encode(older, id: id), as: UTF8.self), to: "queue/\(committed.id)/\(id)")
        let nextBoot = try await queueOpened(in: dir, bootID: "boot-b")
        #expect(nextBoot.scan.envelopes == [older])
        #expect(nextBoot.scan.checkedBodies == 0)
    }

    @Test func withoutABootIDEveryStartChecks() async throws {
        let dir = TemporaryQueueDirectory()
        let first = try await queueOpened(in: dir, bootID: nil)
        _ = try await commitMessage(first.queue)
        #expect(try await queueOpened(in: dir, bootID: nil).scan.checkedBodies == 1)
        #expect(try await queueOpened(in: dir, bootID: nil).scan.checkedBodies == 1)
        #expect(!dir.exists("boot-id"))
    }

    /// Without the commit journal: these tests damage bodies as a machine stop during the round of fsyncs
    /// would, and the journal would make them whole again (FSQueueJournalTests).
    private func queueOpened(in dir: TemporaryQueueDirectory, bootID: String?) async throws -> (queue: FSQueue, scan: QueueScan) {
        var fileSystem = QueueFileSystem()
        fileSystem.bootID = { bootID }
        let queue = FSQueue(directory: dir.path, fileSystem: fileSystem, journalCapacity: 0)
        return (queue, try await queue.loadAll())
    }
}
