/// The scheduler without I/O: which envelopes are due, which agent call each goes into, and what each outcome
/// means for the queue. Every method returns the actions for the runner (`Scheduler`), which performs them and
/// reports back; time is passed in, so tests drive it with plain numbers.
///
/// Each envelope is in exactly one state (`EnvelopeRunState`): pending, in flight (in one delivery batch), or
/// recording (in one record). So one envelope is never written by two tasks at once, and an outcome is
/// forgotten only once it is durable.
struct SchedulerStateMachine {
    struct Entry: Sendable {
        var envelope: QueuedEnvelope
        var state: EnvelopeRunState
        /// `smtpctl remove` came while the envelope was in flight or being recorded.
        var removeRequested = false
    }

    let settings: SchedulerSettings
    var entries: EnvelopeTable
    private(set) var paused: Set<DeliveryClass> = []
    private var batches: [Int: DeliveryBatch] = [:]
    /// Records running (nil) or waiting to be tried again (the instant).
    private var records: [Int: (record: Record, retryAt: Int64?)] = [:]
    private var nextID = 0
    private var sessionIDs = SessionIDGenerator()
    var counters = SchedulerStats()

    init(settings: SchedulerSettings) {
        self.settings = settings
        entries = EnvelopeTable(queueTTL: settings.queueTTL)
    }

    var stats: SchedulerStats {
        var stats = counters
        stats.envelopes = entries.count
        stats.inflight = batches.values.reduce(0) { $0 + $1.envelopes.count }
        return stats
    }

    // MARK: Envelopes in

    /// Envelopes found at start-up or just committed. Ones without an id, or already known, are ignored.
    mutating func add(_ envelopes: [QueuedEnvelope]) {
        for envelope in envelopes {
            guard let id = envelope.id, entries[id] == nil else { continue }
            entries[id] = Entry(envelope: envelope, state: .pending)
        }
    }

    // MARK: Due work

    /// Everything due at `now`: records to try again, expired envelopes (to bounce), and delivery batches as
    /// far as the concurrency limit allows, oldest due first.
    mutating func tick(now: Int64) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        let retries = records.filter { $0.value.retryAt.map { $0 <= now } ?? false }
        for (id, waiting) in retries.sorted(by: { $0.key < $1.key }) {
            records[id] = (waiting.record, nil)
            actions.append(.record(waiting.record))
        }
        actions += expire(now: now)
        actions += dispatch(now: now)
        return actions
    }

    /// The earliest instant at which `tick` has something to do; nil when nothing is waiting. Due envelopes
    /// that cannot start (all delivery slots taken, or their agent paused) do not count: a finished delivery
    /// or `resume` wakes the runner.
    mutating func nextWake() -> Int64? {
        var wake: Int64?
        func consider(_ instant: Int64?) {
            guard let instant else { return }
            wake = min(wake ?? instant, instant)
        }
        for waiting in records.values { consider(waiting.retryAt) }
        consider(entries.earliestExpiry())
        if batches.count < settings.maxConcurrentDeliveries { consider(entries.earliestNextTry(skipping: paused)) }
        return wake
    }

    func expiry(of envelope: QueuedEnvelope) -> Int64 {
        entries.expiry(of: envelope)
    }

    /// Expiry is checked before any try, and also while the agent is paused: `queue ttl` is a promise to the
    /// sender.
    private mutating func expire(now: Int64) -> [SchedulerAction] {
        let expired = entries.expired(now: now).sorted().compactMap { entries[$0]?.envelope }
        guard !expired.isEmpty else { return [] }
        var actions: [SchedulerAction] = []
        var bounces: [BounceRequest] = []
        for group in groupedByMessage(expired) {
            var failed: [BounceRecipient] = []
            for envelope in group {
                counters.expired += 1
                actions.append(.log(.info(DeliveryLogLine.queue("Expire", envelope: envelope, status: "Envelope expired", now: now))))
                let diagnostic = envelope.lastError.isEmpty ? "Envelope expired" : "Envelope expired; last error: \(envelope.lastError)"
                if Self.mayNotify(envelope, \.failure) {
                    failed.append(Self.recipient(envelope, status: "4.4.7", diagnostic: diagnostic))
                }
            }
            if let first = group.first, !failed.isEmpty { bounces.append(Self.bounce(for: first, kind: .failed, failed)) }
        }
        let record = newRecord(bounces: bounces, writes: expired.map { .remove($0.id!) }, running: true)
        for envelope in expired { entries[envelope.id!]?.state = .recording }
        return actions + [.record(record)]
    }

    /// Due envelopes into batches: one batch per message, method, target and delivery user.
    private mutating func dispatch(now: Int64) -> [SchedulerAction] {
        let free = settings.maxConcurrentDeliveries - batches.count
        guard free > 0 else { return [] }
        // Every batch holds envelopes of one message, so only the `free` messages due first are looked at.
        struct Key: Hashable {
            let message: MessageID
            let method: String
            let target: String
            let user: String?
        }
        var order: [Key] = []
        var groups: [Key: [QueuedEnvelope]] = [:]
        for id in entries.due(now: now, skipping: paused, messages: free) {
            guard let envelope = entries[id]?.envelope else { continue }
            let key = Key(message: id.messageID, method: envelope.method, target: envelope.target, user: envelope.deliveryUser)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(envelope)
        }
        var actions: [SchedulerAction] = []
        for key in order {
            guard batches.count < settings.maxConcurrentDeliveries else { break }
            let envelopes = groups[key]!
            nextID += 1
            let batch = DeliveryBatch(
                id: nextID, sessionID: sessionIDs.next(), messageID: key.message, method: key.method,
                envelopes: envelopes, started: now)
            batches[batch.id] = batch
            for envelope in envelopes { entries[envelope.id!]?.state = .inflight(since: now) }
            counters.scheduled += envelopes.count
            actions.append(.deliver(batch))
        }
        return actions
    }

    // MARK: Records

    mutating func newRecord(bounces: [BounceRequest], writes: [Record.Write], running: Bool, now: Int64 = 0) -> Record {
        nextID += 1
        let record = Record(id: nextID, bounces: bounces, writes: writes)
        records[record.id] = (record, running ? nil : now)
        return record
    }

    /// The runner queued the notifications at `submittedBounces` (indices into the record's list), wrote the
    /// envelopes in `completedWrites`, and found those in `goneEnvelopes` no longer in the queue (removed by
    /// hand): they are forgotten. The rest is tried again after `recordRetryDelay`.
    mutating func recordFinished(
        _ recordID: Int, submittedBounces: Set<Int>, completedWrites: Set<EnvelopeID>,
        goneEnvelopes: Set<EnvelopeID> = [], now: Int64
    ) -> [SchedulerAction] {
        guard var record = records[recordID]?.record else { return [] }
        counters.bounces += submittedBounces.count
        record.bounces = record.bounces.enumerated().filter { !submittedBounces.contains($0.offset) }.map(\.element)
        for id in goneEnvelopes { entries[id] = nil }
        record.writes.removeAll { goneEnvelopes.contains($0.envelopeID) }
        var stillRemoving: [EnvelopeID] = []
        for write in record.writes where completedWrites.contains(write.envelopeID) {
            switch write {
            case .remove(let id):
                entries[id] = nil
            case .update(let envelope):
                guard var entry = entries[envelope.id!] else { continue }
                entry.envelope = envelope
                entry.state = .pending
                entries[envelope.id!] = entry
                if entry.removeRequested { stillRemoving.append(envelope.id!) }
            }
        }
        record.writes.removeAll { completedWrites.contains($0.envelopeID) }
        var actions: [SchedulerAction] = []
        if record.writes.isEmpty && record.bounces.isEmpty {
            records[recordID] = nil
        } else {
            records[recordID] = (record, now + settings.recordRetryDelay)
            let ids = record.writes.map(\.envelopeID.description).joined(separator: ",")
            actions.append(.log(.warning(
                "warn: scheduler: could not record \(record.writes.count) envelope(s) [\(ids)] and "
                    + "\(record.bounces.count) notification(s); retrying in \(durationText(settings.recordRetryDelay))")))
        }
        if !stillRemoving.isEmpty { actions += removePending(stillRemoving, now: now) }
        return actions
    }

    /// Pending envelopes out of the queue, without notification (`smtpctl remove`).
    mutating func removePending(_ ids: [EnvelopeID], now: Int64) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        for id in ids {
            guard var entry = entries[id] else { continue }
            entry.state = .recording
            entry.removeRequested = false
            entries[id] = entry
            counters.removed += 1
            actions.append(.log(.info(DeliveryLogLine.queue("Remove", envelope: entry.envelope, status: "Removed by administrator", now: now))))
        }
        _ = newRecord(bounces: [], writes: ids.filter { entries[$0] != nil }.map { .remove($0) }, running: false, now: now)
        return actions
    }

    // MARK: Helpers

    func groupedByMessage(_ envelopes: [QueuedEnvelope]) -> [[QueuedEnvelope]] {
        var order: [MessageID] = []
        var groups: [MessageID: [QueuedEnvelope]] = [:]
        for envelope in envelopes {
            let message = envelope.id!.messageID
            if groups[message] == nil { order.append(message) }
            groups[message, default: []].append(envelope)
        }
        return order.map { groups[$0]! }
    }

    /// Whether the sender asked for this kind of notice and can receive one: never for the null sender.
    static func mayNotify(_ envelope: QueuedEnvelope, _ kind: KeyPath<NotifyRequest, Bool>) -> Bool {
        !envelope.sender.isEmpty && NotifyRequest(envelope.dsn.notify)[keyPath: kind]
    }

    static func recipient(_ envelope: QueuedEnvelope, status: String, diagnostic: String) -> BounceRecipient {
        BounceRecipient(
            envelopeID: envelope.id!, finalRecipient: envelope.dest, originalRecipient: envelope.dsn.originalRecipient,
            status: status, diagnostic: diagnostic)
    }

    static func bounce(for envelope: QueuedEnvelope, kind: BounceKind, _ recipients: [BounceRecipient]) -> BounceRequest {
        BounceRequest(
            messageID: envelope.id!.messageID, kind: kind, sender: envelope.sender, arrival: envelope.created,
            ret: envelope.dsn.ret, envelopeIdentifier: envelope.dsn.envelopeID, recipients: recipients)
    }

    mutating func finishBatch(_ id: Int) -> DeliveryBatch? { batches.removeValue(forKey: id) }

    mutating func setPaused(_ deliveryClass: DeliveryClass, _ isPaused: Bool) {
        if isPaused { paused.insert(deliveryClass) } else { paused.remove(deliveryClass) }
    }
}

/// OpenSMTPD's `generate_uid`: a counter from a random start in the high half, random bits in the low half.
struct SessionIDGenerator: Sendable {
    private var counter = UInt32.random(in: 0...UInt32.max)

    mutating func next() -> UInt64 {
        counter &+= 1
        return UInt64(counter) << 32 | UInt64(UInt32.random(in: 1...UInt32.max))
    }
}
