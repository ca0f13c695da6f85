import Foundation
import Logging
import PeerSupport
import Testing
@testable import Server

/// An agent that answers with `respond` and remembers what it was handed.
final class FakeAgent: DeliveryAgent, @unchecked Sendable {
    private let lock = NSLock()
    private var respond: @Sendable (QueuedEnvelope) -> DeliveryOutcome
    private var seen: [(envelopes: [QueuedEnvelope], body: [UInt8])] = []

    init(_ respond: @escaping @Sendable (QueuedEnvelope) -> DeliveryOutcome) { self.respond = respond }

    func answer(_ respond: @escaping @Sendable (QueuedEnvelope) -> DeliveryOutcome) { lock.withLock { self.respond = respond } }

    var calls: [(envelopes: [QueuedEnvelope], body: [UInt8])] { lock.withLock { seen } }

    func deliver(_ envelopes: [QueuedEnvelope], body: MessageBody) async -> [DeliveryOutcome] {
        let bytes = (try? body.readAll()) ?? []
        return lock.withLock {
            seen.append((envelopes, bytes))
            return envelopes.map(respond)
        }
    }
}

/// The daemon's part, done directly: the notification goes into the queue from `<>` to a local maildir.
struct QueueBounceSubmitter: BounceSubmitter {
    let queue: FSQueue

    func submitBounce(to recipient: String, message: [UInt8]) async throws {
        let incoming = try await queue.beginMessage()
        try await queue.append(incoming, message)
        let now = Int64(Date().timeIntervalSince1970)
        _ = try await queue.commit(incoming, envelopes: [QueuedEnvelope(
            sender: "", rcpt: recipient, dest: recipient, action: "local_mail", method: "maildir",
            target: "/home/alice/Maildir", user: "alice", created: now, expire: now + 86400)])
    }
}

@Suite("Scheduler runner on a real queue", .ownQueue)
struct SchedulerRunnerTests {
    let start: Int64 = 1_764_000_005  // five seconds after sampleEnvelope's arrival

    func makeScheduler(_ queue: FSQueue, agent: FakeAgent, clock: ManualClock) -> Scheduler {
        Scheduler(
            queue: queue, agents: { $0 == "maildir" ? agent : nil }, bounces: QueueBounceSubmitter(queue: queue),
            reportingHost: "mx.example.org", clock: clock, logger: Logger(label: "test"))
    }

    /// Starts `scheduler.run()`, runs `body`, then cancels the run and waits for it to end.
    func running(_ scheduler: Scheduler, _ body: () async throws -> Void) async rethrows {
        let task = Task { await scheduler.run() }
        defer { task.cancel() }
        try await body()
        task.cancel()
        await task.value
    }

    func messageDirectories(_ dir: TemporaryQueueDirectory) -> [String] { dir.names(in: "queue") }

    @Test func deliveredEnvelopesLeaveTheDiskInOneAgentCall() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue, body: "Subject: hi\n\nhello\n", recipients: ["bob@example.net", "carol@example.net"])
        let agent = FakeAgent { _ in .delivered("Delivered") }
        let scheduler = makeScheduler(queue, agent: agent, clock: ManualClock(start))
        try await running(scheduler) {
            await scheduler.add(committed)
            #expect(await eventually { messageDirectories(dir).isEmpty })
        }
        #expect(agent.calls.count == 1)
        #expect(agent.calls.first?.envelopes.count == 2)
        #expect(agent.calls.first.map { String(decoding: $0.body, as: UTF8.self) } == "Subject: hi\n\nhello\n")
        let stats = await scheduler.stats()
        #expect(stats.deliveredOK == 2 && stats.envelopes == 0 && stats.inflight == 0)
    }

    /// A scheduler over an empty queue whose agent delivers everything.
    func deliveringScheduler() async throws -> (TemporaryQueueDirectory, FSQueue, FakeAgent, Scheduler) {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let agent = FakeAgent { _ in .delivered("Delivered") }
        return (dir, queue, agent, makeScheduler(queue, agent: agent, clock: ManualClock(start)))
    }

    @Test func aSubmittedMessageIsDeliveredWithoutWaitingForTheActor() async throws {
        let (dir, queue, agent, scheduler) = try await deliveringScheduler()
        try await running(scheduler) {
            for index in 0..<5 {
                scheduler.submit(try await commitMessage(queue, body: "message \(index)\n"))
            }
            #expect(await eventually { messageDirectories(dir).isEmpty && agent.calls.count == 5 })
        }
        let stats = await scheduler.stats()
        #expect(stats.deliveredOK == 5 && stats.envelopes == 0)
    }

    @Test func aSubmittedMessageCountsInTheBacklogBeforeTheSchedulerTakesItIn() async throws {
        // The inflow delay reads the backlog right after a 250, when run() may not have woken yet.
        let (dir, queue, agent, scheduler) = try await deliveringScheduler()
        await scheduler.pause(.mda)
        scheduler.submit(try await commitMessage(queue, recipients: ["bob@example.net", "carol@example.net"]))
        scheduler.submit(try await commitMessage(queue))
        #expect(scheduler.queuedEnvelopes == 3, "counted before run() has started")
        try await running(scheduler) {
            #expect(await eventually { await scheduler.stats().envelopes == 3 })
            #expect(scheduler.queuedEnvelopes == 3, "and still counted once taken in")
        }
        #expect(agent.calls.isEmpty && messageDirectories(dir).count == 2)
    }

    @Test func temporaryFailureIsRewrittenAndARestartResumesIt() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue)
        let id = try #require(committed.envelopes.first?.id)
        let clock = ManualClock(start)
        let agent = FakeAgent { _ in .temporaryFailure("452 4.2.2 Mailbox full") }

        let first = makeScheduler(queue, agent: agent, clock: clock)
        try await running(first) {
            await first.add(committed)
            #expect(await eventually { (dir.read("queue/\(id.messageID)/\(id)") ?? "").contains("retry: 1\n") })
            #expect(await eventually { clock.earliestSleeper == 1_764_000_010 }, "sleeps until the next try, no polling")
            let lines = await first.showQueue()
            #expect(lines == ["\(id)|?|mda||alice@example.org|bob@example.net|bob@example.net|1764000000|1764345600|\(start)|1|pending|5|452 4.2.2 Mailbox full"])
        }
        let scan = try await FSQueue(directory: dir.path).loadAll()
        let stored = try #require(scan.envelopes.first)
        #expect(stored.retries == 1 && stored.lastTry == start && stored.nextTry == 1_764_000_010)
        #expect(stored.lastError == "452 4.2.2 Mailbox full")

        // A restart: a new queue and scheduler from what is on disk; at the next try the agent succeeds.
        agent.answer { _ in .delivered("Delivered") }
        let restartedQueue = FSQueue(directory: dir.path)
        let second = makeScheduler(restartedQueue, agent: agent, clock: clock)
        try await running(second) {
            await second.load(try await restartedQueue.loadAll().envelopes)
            try await Task.sleep(nanoseconds: 50_000_000)
            #expect(agent.calls.count == 1, "not before its next try")
            clock.advance(to: 1_764_000_010)
            #expect(await eventually { messageDirectories(dir).isEmpty })
        }
        #expect(agent.calls.count == 2)
    }

    @Test func aPermanentFailureQueuesABounceThatPythonParses() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue, body: "Subject: hi\nFrom: alice@example.org\n\nhello\n", recipients: ["bob@example.net", "carol@example.net"])
        let agent = FakeAgent { .permanentFailure("550 5.1.1 <\($0.rcpt)>: Recipient address rejected") }
        let scheduler = makeScheduler(queue, agent: agent, clock: ManualClock(start))
        try await running(scheduler) {
            await scheduler.add(committed)
            #expect(await eventually { !messageDirectories(dir).isEmpty && !messageDirectories(dir).contains(committed.id.description) })
        }
        let scan = try await FSQueue(directory: dir.path).loadAll()
        #expect(scan.envelopes.count == 1, "one notification for both recipients")
        let bounce = try #require(scan.envelopes.first)
        #expect(bounce.sender == "" && bounce.rcpt == "alice@example.org")
        let parsed = try parseWithPython(try await queue.readBody(bounce.id!.messageID))
        #expect(parsed["defects"] as? [String] == [])
        #expect(parsed["type"] as? String == "multipart/report")
        #expect(parsed["parts"] as? [String] == ["text/plain", "message/delivery-status", "message/rfc822"])
        let blocks = try #require(parsed["status_blocks"] as? [[String: String]])
        #expect(blocks.dropFirst().compactMap { $0["Final-Recipient"] }.sorted() == ["rfc822; bob@example.net", "rfc822; carol@example.net"])
        #expect(blocks.dropFirst().allSatisfy { $0["Action"] == "failed" && $0["Status"] == "5.1.1" })
        #expect((parsed["returned"] as? [String: String])?["subject"] == "hi")
        #expect(await scheduler.stats().bounces == 1)
    }

    @Test func aFullDiskKeepsTheOutcomeInMemoryAndWritesItLater() async throws {
        let dir = TemporaryQueueDirectory()
        let disk = FillableDisk()
        let queue = FSQueue(directory: dir.path, fileSystem: disk.fileSystem)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue)
        let id = try #require(committed.envelopes.first?.id)
        let clock = ManualClock(start)
        let agent = FakeAgent { _ in .temporaryFailure("451 later") }
        let scheduler = Scheduler(
            queue: queue, agents: { _ in agent }, bounces: QueueBounceSubmitter(queue: queue),
            reportingHost: "mx.example.org", settings: SchedulerSettings(recordRetryDelay: 60), clock: clock,
            logger: Logger(label: "test"))
        disk.full = true
        try await running(scheduler) {
            await scheduler.add(committed)
            #expect(await eventually { clock.earliestSleeper == start + 60 }, "waits to write again")
            #expect(dir.read("queue/\(id.messageID)/\(id)")?.contains("retry: 0\n") == true)
            #expect(await scheduler.listing().first?.state == .recording)
            #expect(agent.calls.count == 1, "not tried again while its outcome is unwritten")
            // Once written, the envelope is past its next try (start + 5) and goes out again.
            agent.answer { _ in .delivered("Delivered") }
            disk.full = false
            clock.advance(to: start + 60)
            #expect(await eventually { !dir.exists("queue/\(id.messageID)") })
        }
        #expect(agent.calls.count == 2)
        #expect(await scheduler.stats().temporaryFailures == 1)
    }

    @Test func expiredEnvelopeBouncesWithoutATry() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let committed = try await commitMessage(queue)
        let agent = FakeAgent { _ in .delivered("Delivered") }
        let clock = ManualClock(1_764_345_600)  // sampleEnvelope's expiry
        let scheduler = makeScheduler(queue, agent: agent, clock: clock)
        try await running(scheduler) {
            await scheduler.add(committed)
            #expect(await eventually { !messageDirectories(dir).contains(committed.id.description) && !messageDirectories(dir).isEmpty })
        }
        #expect(agent.calls.isEmpty)
        let scan = try await FSQueue(directory: dir.path).loadAll()
        let parsed = try parseWithPython(try await queue.readBody(try #require(scan.envelopes.first?.id).messageID))
        let blocks = try #require(parsed["status_blocks"] as? [[String: String]])
        #expect(blocks.last?["Status"] == "4.4.7" && blocks.last?["Action"] == "failed")
    }

    @Test func pauseResumeAndRemoveFromSmtpctl() async throws {
        let dir = TemporaryQueueDirectory()
        let queue = FSQueue(directory: dir.path)
        _ = try await queue.loadAll()
        let kept = try await commitMessage(queue, recipients: ["bob@example.net"])
        let dropped = try await commitMessage(queue, recipients: ["carol@example.net"])
        let agent = FakeAgent { _ in .delivered("Delivered") }
        let scheduler = makeScheduler(queue, agent: agent, clock: ManualClock(start))
        try await running(scheduler) {
            await scheduler.pause(.mda)
            await scheduler.add(kept)
            await scheduler.add(dropped)
            #expect(await scheduler.remove(.message(dropped.id)) == 1)
            #expect(await eventually { messageDirectories(dir) == [kept.id.description] })
            #expect(agent.calls.isEmpty)
            await scheduler.resume(.mda)
            #expect(await eventually { messageDirectories(dir).isEmpty })
        }
        #expect(agent.calls.count == 1)
        #expect(await scheduler.stats().removed == 1)
    }
}
