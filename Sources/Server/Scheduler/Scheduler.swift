import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Transport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `SchedulerStateMachine` against the queue, the delivery agents and the bounce submitter.
///
/// `run()` wakes when something may be due: at the earliest next try, expiry or record retry (one timer,
/// re-armed after every change), when envelopes arrive, when a delivery ends, and on `schedule`/`resume`.
/// It never polls. Deliveries and records run as child tasks of `run()`; a delivery records its own
/// outcomes before its task ends, so an outcome is durable before `run()` returns.
///
/// Daemon wiring: create it after `FSQueue.loadAll()`, call `load(_:)` with the scan's envelopes, run it as a
/// service, and call `add(_:)` with every `CommittedMessage` (the SMTP sessions' and the bounces').
///
/// The scheduler and its deliveries' own code run on one thread of their own (`thread`), not on Swift's
/// shared pool: a message's way through it (its arrival, the delivery task, the body's open, the agent's
/// request, the outcome, the record) took a thread wake-up at nearly every step there, and at one session
/// those wake-ups cost more CPU than the work. The work is short and never waits; what blocks (fsyncs, the
/// deliveries themselves) runs on the queue's and the agents' own threads. Opening a body is the one
/// blocking call made here: a local `open`, cheaper than the two wake-ups of sending it elsewhere.
public actor Scheduler: Service {
    /// One thread for every scheduler of the process (a daemon has one).
    private static let thread = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()
    private static let taskExecutor = EventLoopTaskExecutor(eventLoop: thread)

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        Self.thread.executor.asUnownedSerialExecutor()
    }

    /// The agent for a method (`maildir`, `mbox`, `mda`, `lmtp`, `relay`…); nil when none is configured,
    /// which leaves the envelope in the queue with a temporary failure.
    public typealias AgentRouter = @Sendable (_ method: String) -> (any DeliveryAgent)?

    private var machine: SchedulerStateMachine
    /// Messages handed over by `submit` and not yet taken in, and how many envelopes the machine holds: the
    /// queue's size, readable without waiting for the actor (the receiving side slows down when delivery
    /// falls behind). Kept under one lock so that a message counts from its `submit` on, before the session's
    /// 250, and never drops out of the count while `run()` takes it in.
    private let intake = Locked(Intake())

    private struct Intake {
        var arrivals: [CommittedMessage] = []
        var scheduledEnvelopes = 0
    }

    public nonisolated var queuedEnvelopes: Int {
        intake.withLock { intake in
            intake.arrivals.reduce(intake.scheduledEnvelopes) { $0 + $1.envelopes.count }
        }
    }
    private let queue: FSQueue
    private let agents: AgentRouter
    private let bounces: any BounceSubmitter
    private let reportingHost: String
    private let clock: any SchedulerClock
    private let logger: Logger
    private let wakeUps: AsyncStream<Void>
    private let wakeUpContinuation: AsyncStream<Void>.Continuation
    private var timer: (deadline: Int64, task: Task<Void, Never>)?

    /// - Parameters:
    ///   - reportingHost: the server's name (`hostname` or the first listener's `hostname`), for
    ///     notifications' `Reporting-MTA`, `From: MAILER-DAEMON@…` and Message-ID.
    public init(
        queue: FSQueue, agents: @escaping AgentRouter, bounces: any BounceSubmitter, reportingHost: String,
        settings: SchedulerSettings = SchedulerSettings(), clock: any SchedulerClock = SystemSchedulerClock(),
        logger: Logger
    ) {
        self.machine = SchedulerStateMachine(settings: settings)
        self.queue = queue
        self.agents = agents
        self.bounces = bounces
        self.reportingHost = reportingHost
        self.clock = clock
        self.logger = logger
        (wakeUps, wakeUpContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeUpContinuation.yield()
    }

    // MARK: Envelopes in

    /// The envelopes `FSQueue.loadAll()` found at start-up.
    public func load(_ envelopes: [QueuedEnvelope]) {
        machine.add(envelopes)
        wakeUp()
    }

    /// A message the daemon just committed.
    public func add(_ message: CommittedMessage) {
        machine.add(message.envelopes)
        wakeUp()
    }

    /// A message the daemon just committed, handed over without waiting for the actor: the SMTP session
    /// answers 250 at once, however busy the scheduler is. `run()` takes it in at its next wake-up.
    public nonisolated func submit(_ message: CommittedMessage) {
        intake.withLock { $0.arrivals.append(message) }
        wakeUpContinuation.yield()
    }

    // MARK: smtpctl

    /// `smtpctl schedule <id|all>`: due now. Returns how many envelopes matched.
    @discardableResult
    public func schedule(_ target: SchedulerTarget) -> Int {
        let count = machine.schedule(target, now: clock.now())
        wakeUp()
        return count
    }

    /// `smtpctl remove <id|all>`: out of the queue without notice. Returns how many envelopes matched.
    @discardableResult
    public func remove(_ target: SchedulerTarget) -> Int {
        let (count, actions) = machine.remove(target, now: clock.now())
        log(actions)
        wakeUp()
        return count
    }

    /// `smtpctl pause mda|mta`.
    public func pause(_ deliveryClass: DeliveryClass) { machine.pause(deliveryClass) }

    /// `smtpctl resume mda|mta`.
    public func resume(_ deliveryClass: DeliveryClass) {
        machine.resume(deliveryClass)
        wakeUp()
    }

    public func paused() -> Set<DeliveryClass> { machine.paused }

    /// Every envelope and its state, by id.
    public func listing() -> [QueueListingEntry] { machine.listing() }

    /// `smtpctl show queue`: one line per envelope, as OpenSMTPD prints them.
    public func showQueue() -> [String] {
        let now = clock.now()
        return machine.listing().map { ShowQueueLine.format($0, now: now) }
    }

    /// `smtpctl show stats`.
    public func stats() -> SchedulerStats { machine.stats }

    // MARK: Running

    /// Runs until the task is cancelled; then waits for deliveries in flight and their records.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await _ in wakeUps {
                takeArrivals()
                let now = clock.now()
                if let timer, timer.deadline <= now { self.timer = nil }
                for action in machine.tick(now: now) {
                    switch action {
                    case .log(let line): log(line)
                    case .deliver(let batch):
                        group.addTask(executorPreference: Self.taskExecutor) { await self.deliver(batch) }
                    case .record(let record):
                        group.addTask(executorPreference: Self.taskExecutor) { await self.perform(record) }
                    }
                }
                armTimer()
            }
        }
        timer?.task.cancel()
        timer = nil
    }

    private func takeArrivals() {
        intake.withLock { intake in
            guard !intake.arrivals.isEmpty else { return }
            for message in intake.arrivals { machine.add(message.envelopes) }
            intake.arrivals = []
            intake.scheduledEnvelopes = machine.entries.count
        }
    }

    private func wakeUp() {
        let count = machine.entries.count
        intake.withLock { $0.scheduledEnvelopes = count }
        wakeUpContinuation.yield()
    }

    /// One timer for the earliest instant anything is due.
    private func armTimer() {
        guard let deadline = machine.nextWake() else {
            timer?.task.cancel()
            timer = nil
            return
        }
        if let timer, timer.deadline == deadline { return }
        timer?.task.cancel()
        let clock = self.clock
        let continuation = wakeUpContinuation
        timer = (deadline, Task {
            guard (try? await clock.sleep(until: deadline)) != nil else { return }
            self.timerFired(deadline)
            continuation.yield()
        })
    }

    /// A fired timer is forgotten, so that the next `armTimer` sets a new one even for the same deadline.
    private func timerFired(_ deadline: Int64) {
        if timer?.deadline == deadline { timer = nil }
    }

    // MARK: Delivering

    private nonisolated func deliver(_ batch: DeliveryBatch) async {
        let outcomes = await outcomes(of: batch)
        TernMetrics.deliveries(outcomes, method: batch.method)
        for action in await deliveryFinished(batch.id, outcomes) {
            if case .record(let record) = action { await perform(record) }
        }
    }

    /// Opens the body, calls the agent, closes the body. A missing agent or an unreadable body is a
    /// temporary failure: the envelope stays queued.
    private nonisolated func outcomes(of batch: DeliveryBatch) async -> [DeliveryOutcome] {
        func failure(_ text: String) -> [DeliveryOutcome] {
            Array(repeating: .temporaryFailure(text), count: batch.envelopes.count)
        }
        guard let agent = agents(batch.method) else { return failure("No delivery agent for method \(batch.method)") }
        let descriptor: Int32
        do {
            descriptor = try queue.openBody(batch.messageID)
        } catch {
            return failure("Cannot open message \(batch.messageID): \(error)")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return failure("Cannot stat message \(batch.messageID): \(String(cString: strerror(errno)))")
        }
        let body = MessageBody(messageID: batch.messageID, descriptor: descriptor, size: Int(status.st_size))
        return await agent.deliver(batch.envelopes, body: body)
    }

    private func deliveryFinished(_ batchID: Int, _ outcomes: [DeliveryOutcome]) -> [SchedulerAction] {
        let actions = machine.deliveryFinished(batchID, outcomes: outcomes, now: clock.now())
        log(actions)
        wakeUp()
        return actions
    }

    // MARK: Recording

    /// Queues the notifications, then writes the envelopes whose notifications are queued.
    private nonisolated func perform(_ record: Record) async {
        var submitted = Set<Int>()
        var blocked = Set<EnvelopeID>()
        for (index, bounce) in record.bounces.enumerated() {
            do {
                try await submit(bounce)
                submitted.insert(index)
                TernMetrics.bounceQueued()
            } catch {
                blocked.formUnion(bounce.envelopeIDs)
                logger.warning("warn: scheduler: cannot queue \(bounce.kind.action) notification for message \(bounce.messageID) to <\(bounce.sender)>: \(error)")
            }
        }
        var completed = Set<EnvelopeID>()
        var gone = Set<EnvelopeID>()
        for write in record.writes where !blocked.contains(write.envelopeID) {
            do {
                switch write {
                case .remove(let id): try await queue.removeEnvelope(id)
                case .update(let envelope): try await queue.updateEnvelope(envelope)
                }
                completed.insert(write.envelopeID)
            } catch QueueError.notFound {
                gone.insert(write.envelopeID)
            } catch {
                logger.warning("warn: scheduler: cannot record envelope \(write.envelopeID): \(error)")
            }
        }
        await recordFinished(record.id, submitted, completed, gone)
    }

    private func recordFinished(_ id: Int, _ submitted: Set<Int>, _ completed: Set<EnvelopeID>, _ gone: Set<EnvelopeID>) {
        log(machine.recordFinished(id, submittedBounces: submitted, completedWrites: completed, goneEnvelopes: gone, now: clock.now()))
        wakeUp()
    }

    private nonisolated func submit(_ bounce: BounceRequest) async throws {
        let original: [UInt8]?
        do {
            original = try await queue.readBody(bounce.messageID)
        } catch QueueError.notFound {
            original = nil
        }
        let now = clock.now()
        let notification = DeliveryStatusNotification(
            request: bounce, reportingHost: reportingHost, date: .at(secondsSinceEpoch: Int(now)),
            arrivalDate: .at(secondsSinceEpoch: Int(bounce.arrival)), token: UInt64.random(in: 1...UInt64.max))
        try await bounces.submitBounce(to: bounce.sender, message: notification.render(original: original))
    }

    // MARK: Logging

    private func log(_ actions: [SchedulerAction]) {
        for case .log(let line) in actions { log(line) }
    }

    private func log(_ line: LogLine) {
        switch line.level {
        case .info: logger.info("\(line.text)")
        case .warning: logger.warning("\(line.text)")
        }
    }
}
