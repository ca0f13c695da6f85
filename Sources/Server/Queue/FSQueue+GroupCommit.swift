import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Commits (and, with the journal, removals) waiting for the next batch, and whether a batch is running.
struct PendingCommits {
    var waiting: [PendingCommit] = []
    var removals: [PendingRemoval] = []
    /// Whether a timer will look at the waiting removals: one at a time, so that removals a commit takes along
    /// (at a steady load, nearly all) do not each leave a timer behind to wake the commit thread for nothing.
    var removalTimerSet = false
    /// How many removal timers were set, for tests.
    var removalTimersSet = 0
    var batchRunning = false
    /// Batches and messages committed so far: their ratio shows how well group commit batches.
    var batches = 0
    var messages = 0

    /// When a timer over the waiting removals should fire, if there are some and no timer is set yet (the
    /// caller then sets it).
    mutating func claimRemovalTimer() -> DispatchTime? {
        guard !removalTimerSet, let oldest = removals.first else { return nil }
        removalTimerSet = true
        removalTimersSet += 1
        return oldest.since + FSQueue.removalDelay
    }

    /// Takes the waiting removals out.
    mutating func takeRemovals() -> [PendingRemoval] {
        defer { removals = [] }
        return removals
    }
}

struct PendingCommit: Sendable {
    let message: IncomingMessage
    /// The body file, its end still in memory (see `FSQueue.append`), and its check.
    let body: IncomingMessage.Handover
    let envelopes: [QueuedEnvelope]
    let continuation: CheckedContinuation<CommittedMessage, any Error>
}

/// An envelope removal waiting for its journal record to be synced.
struct PendingRemoval: Sendable {
    let id: EnvelopeID
    let continuation: CheckedContinuation<Void, any Error>
    /// When it came: it waits `removalDelay` for a commit to take it along.
    let since: DispatchTime
}

extension FSQueue {
    /// Makes a received message durable and returns once it is: the body's end and the envelope files
    /// written, the message's directory renamed into queue/, then either its journal record synced (a body
    /// whole in memory) or every file and directory involved fsynced at once. Only then may the session
    /// answer 250. On failure the message is removed and nothing of it is in queue/; a
    /// `QueueError.diskFull` means 452 4.3.1.
    ///
    /// The rename comes before the fsyncs so that a lone message waits for one round of fsyncs, not two.
    /// Until they end the message is in queue/ but perhaps not on the disk: a machine that stops then can
    /// bring back a body that was never fully written, which start-up recognises by the body check each
    /// envelope records (FSQueue+Startup.swift). Nobody was told 250 for such a message.
    ///
    /// Commits that arrive while a batch is syncing wait for the next batch (group commit); the window is
    /// exactly the previous batch's duration, so a lone commit is never delayed.
    public func commit(_ message: IncomingMessage, envelopes: [QueuedEnvelope]) async throws -> CommittedMessage {
        guard let body = message.takeDescriptor() else { throw QueueError.messageClosed(message.id) }
        guard !envelopes.isEmpty else {
            close(body.fd)
            await abort(message)
            throw QueueError.noEnvelopes
        }
        return try await withCheckedThrowingContinuation { continuation in
            let pending = PendingCommit(message: message, body: body, envelopes: envelopes, continuation: continuation)
            let startBatch = pendingCommits.withLock { state in
                state.waiting.append(pending)
                guard !state.batchRunning else { return false }
                state.batchRunning = true
                return true
            }
            if startBatch { commitQueue.async { self.runBatches() } }
        }
    }

    /// How many commit batches ran and how many messages they held, for statistics and tests.
    public var commitCounts: (batches: Int, messages: Int) {
        pendingCommits.withLock { ($0.batches, $0.messages) }
    }

    /// Records a removal in the journal, then removes the envelope's files once the record is durable, in
    /// a batch: so no checkpoint (which ends the records' generation) can come between the two.
    ///
    /// A removal is in no hurry (the delivery is durable already), so it rides with the next commits' batch
    /// and shares their fdatasync; only when no commit comes within `removalDelay` does a batch of removals
    /// alone sync the journal. A commit then never waits behind a batch that only removes.
    func removeThroughJournal(_ id: EnvelopeID) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let timer = pendingCommits.withLock { state in
                state.removals.append(PendingRemoval(id: id, continuation: continuation, since: .now()))
                return state.claimRemovalTimer()
            }
            if let timer { setRemovalTimer(timer) }
        }
    }

    /// How long a removal waits for a commit to share the journal's sync with.
    static let removalDelay = 0.01

    /// At `deadline`, a batch for the removals that have waited `removalDelay` by then, in case no commit took
    /// them along; removals that came later get the timer again, for their own deadline.
    private func setRemovalTimer(_ deadline: DispatchTime) {
        commitQueue.asyncAfter(deadline: deadline) {
            enum Next { case nothing, flush, timer(DispatchTime) }
            let next: Next = self.pendingCommits.withLock { state in
                state.removalTimerSet = false
                guard let oldest = state.removals.first else { return .nothing }
                if DispatchTime.now() < oldest.since + Self.removalDelay {
                    return state.claimRemovalTimer().map { .timer($0) } ?? .nothing
                }
                // A running batch loop sets the timer again for the removals it leaves.
                guard !state.batchRunning else { return .nothing }
                state.batchRunning = true
                return .flush
            }
            switch next {
            case .nothing: break
            case .flush: self.runBatches(flushingRemovals: true)
            case .timer(let deadline): self.setRemovalTimer(deadline)
            }
        }
    }

    /// How many removal timers were set, and how many removals wait now (tests).
    var removalTimers: (set: Int, waiting: Int) { pendingCommits.withLock { ($0.removalTimersSet, $0.removals.count) } }

    /// How many journal checkpoints ran, for statistics and tests.
    public var journalCheckpoints: Int { journal.withLock { $0?.checkpoints ?? 0 } }

    /// Takes whatever accumulated and commits it, until no commit is waiting. Waiting removals go along with
    /// commits, or in the first batch when `flushingRemovals`.
    private func runBatches(flushingRemovals: Bool = false) {
        var flushing = flushingRemovals
        while true {
            let (batch, removals, timer) = pendingCommits.withLock { state in
                let batch = state.waiting
                let removals = batch.isEmpty && !flushing ? [] : state.takeRemovals()
                state.waiting = []
                var timer: DispatchTime?
                if batch.isEmpty && removals.isEmpty {
                    state.batchRunning = false
                    // Removals left behind (their timer fired while this loop ran) get it again.
                    timer = state.claimRemovalTimer()
                } else if !batch.isEmpty {
                    state.batches += 1
                    state.messages += batch.count
                }
                return (batch, removals, timer)
            }
            flushing = false
            if batch.isEmpty && removals.isEmpty {
                if let timer { setRemovalTimer(timer) }
                return
            }
            commitBatch(batch, removals: removals)
        }
    }

    private func commitBatch(_ batch: [PendingCommit], removals: [PendingRemoval]) {
        // 1. Each message's envelopes get their ids and the body's check. With the journal, a message whose
        //    whole body is in memory (under 64 KiB, see `append`) becomes one record, and each removal one.
        let envelopes = batch.map(Self.identifiedEnvelopes)
        // Each envelope file's bytes, encoded once for both the file and the journal record.
        let files = envelopes.map { $0.map { JournalRecord.EnvelopeFile(id: $0.id!, bytes: EnvelopeFileFormat.encode($0, id: $0.id!)) } }
        let journal = self.journal.withLock { $0 }
        let plan = journal.map { planJournal($0, batch: batch, files: files, removals: removals) }
        let journaled = plan?.messages ?? []
        var journalFailure = plan?.failure

        // 2. At once: each message's files written beside its body (not synced) and published with one rename
        //    of its directory, and the journal's records appended and fdatasynced. The record does not need
        //    the files: once it is durable, start-up could write them from it. The sync goes first, so that it
        //    runs on this thread (`inParallel`'s first lane): it is the longest job, and the thread that waits
        //    for it then needs no waking before the continuations resume.
        var jobs: [@Sendable () -> BatchJob] = []
        if let journal, let plan, plan.failure == nil, !plan.records.isEmpty {
            let records = plan.records
            jobs.append { .synced(self.appendDurably(records, to: journal)) }
        }
        jobs += batch.indices.map { index in
            { .published(self.writeAndPublish(batch[index], envelopes[index], files: files[index])) }
        }
        let done = inParallel(jobs)
        let written: [Result<PublishedMessage, QueueError>] = done.compactMap {
            if case .published(let result) = $0 { result } else { nil }
        }
        for case .synced(let failure?) in done { journalFailure = failure }
        var results: [Result<CommittedMessage, QueueError>] = written.map { $0.map { $0.committed } }

        // 3. Every message the journal does not cover: its body, envelopes and directory, and queue/ and
        //    incoming/ once for the whole batch, fsynced at once (none of these depends on another).
        var syncs: [(message: Int?, work: @Sendable () -> QueueError?)] = []
        for (index, result) in written.enumerated() where !journaled.contains(index) {
            guard case .success(let files) = result else { continue }
            let directory = messageDirectory(files.committed.id)
            syncs.append((index, { self.sync(descriptor: batch[index].body.fd, path: directory + "/message") }))
            for (fd, path) in files.envelopes {
                syncs.append((index, { self.sync(descriptor: fd, path: path) }))
            }
            syncs.append((index, { self.syncDirectory(directory) }))
        }
        if !syncs.isEmpty {
            for path in [queueDirectory, incomingDirectory] { syncs.append((nil, { self.syncDirectory(path) })) }
        }
        let failures = inParallel(syncs.map { $0.work })
        var directoryFailure: QueueError?
        for ((index, _), failure) in zip(syncs, failures) {
            guard let failure else { continue }
            if let index {
                if case .success = results[index] { results[index] = .failure(failure) }
            } else {
                directoryFailure = directoryFailure ?? failure
            }
        }

        // 4. A message that cannot be acknowledged leaves queue/ again: one whose own writes or syncs failed,
        //    or all of those a failed directory fsync or journal sync stood for.
        var unacknowledgedRecords: [JournalRecord] = []
        for (index, result) in written.enumerated() {
            if case .success(let files) = result {
                close(batch[index].body.fd)
                for (fd, _) in files.envelopes { close(fd) }
            }
            let shared = journaled.contains(index) ? journalFailure : directoryFailure
            if let shared, case .success = results[index] { results[index] = .failure(shared) }
            guard case .failure = results[index] else { continue }
            if case .success(let files) = result { fileSystem.removeTree(messageDirectory(files.committed.id)) }
            if journaled.contains(index), journalFailure == nil {
                unacknowledgedRecords += envelopes[index].map { .removed($0.id!) }
            }
        }
        // A message whose record is durable but whose files failed was not acknowledged: its envelopes are
        // recorded as removed, so that start-up after a machine stop does not bring it back. (Should this
        // fail too, such a stop would deliver a message the client was told to send again: a duplicate.)
        if let journal, !unacknowledgedRecords.isEmpty { _ = appendDurably(unacknowledgedRecords, to: journal) }

        // 5. Everything acknowledged is durable now.
        for (pending, result) in zip(batch, results) {
            pending.continuation.resume(with: result.mapError { $0 as any Error })
        }

        // 6. The removals, now that their records are durable; before the next batch, whose checkpoint could
        //    otherwise end the records' generation while a removal's unlink is not on the disk yet.
        let journaledRemovals = plan?.removalsJournaled ?? false
        if let journalFailure, journaledRemovals {
            for removal in removals { removal.continuation.resume(throwing: journalFailure) }
            return
        }
        // Without their records (no room in the journal, or a checkpoint that failed), removals are made
        // durable by fsyncs, as without the journal.
        let removed = inParallel(removals.map { removal in
            { Result { () throws(QueueError) in try self.removeEnvelopeFiles(removal.id, syncing: !journaledRemovals) } }
        })
        var queueSyncFailure: QueueError?
        if !journaledRemovals, removed.contains(where: { (try? $0.get()) == true }) {
            do throws(QueueError) { try fileSystem.fsyncDirectory(queueDirectory) } catch { queueSyncFailure = error }
        }
        for (removal, result) in zip(removals, removed) {
            let outcome = result.flatMap { _ in queueSyncFailure.map { .failure($0) } ?? .success(()) }
            removal.continuation.resume(with: outcome.mapError { $0 as any Error })
        }
    }

    /// What a job of step 2 did.
    private enum BatchJob: Sendable {
        case published(Result<PublishedMessage, QueueError>)
        case synced(QueueError?)
    }

    /// The journal's part of a batch.
    private struct JournalPlan {
        /// The records to append: those of `messages`, then one per removal.
        var records: [JournalRecord] = []
        /// The batch's messages that the journal makes durable.
        var messages: Set<Int> = []
        /// Whether the removals' records are among `records`; when not (a full disk), each removal fsyncs.
        var removalsJournaled = false
        /// A checkpoint that failed: nothing is journaled then (messages take the round of fsyncs, removals
        /// fsync too).
        var failure: QueueError?
    }

    /// Chooses the batch's journaled messages and removals. When their records do not fit in what is left of
    /// the generation, the checkpoint comes first, before any of the batch's files is written: its `syncfs`
    /// must not run while files that records of the ending generation stand for are still being written.
    /// The removals' records go in first (they are small, and without them a removal needs fsyncs); messages
    /// whose records do not fit take the round of fsyncs.
    private func planJournal(
        _ journal: CommitJournal, batch: [PendingCommit], files: [[JournalRecord.EnvelopeFile]], removals: [PendingRemoval]
    ) -> JournalPlan {
        var candidates: [(index: Int, record: JournalRecord, size: Int)] = []
        for index in batch.indices {
            guard let record = journalRecord(batch[index], files: files[index]) else { continue }
            let size = JournalFrame.size(of: record)
            if size <= journal.largestRecord { candidates.append((index, record, size)) }
        }
        let removalRecords = removals.map { JournalRecord.removed($0.id) }
        let removalSize = removalRecords.reduce(0) { $0 + JournalFrame.size(of: $1) }
        if candidates.isEmpty && removalRecords.isEmpty { return JournalPlan() }
        if !journal.reserve(candidates.reduce(removalSize) { $0 + $1.size }) {
            do throws(QueueError) {
                try journal.checkpoint()
            } catch {
                return JournalPlan(failure: error)
            }
        }
        var plan = JournalPlan()
        var used = 0
        if !removalRecords.isEmpty, journal.reserve(removalSize) {
            plan.removalsJournaled = true
            used = removalSize
        }
        for candidate in candidates where journal.reserve(used + candidate.size) {
            plan.records.append(candidate.record)
            plan.messages.insert(candidate.index)
            used += candidate.size
        }
        if plan.removalsJournaled { plan.records += removalRecords }
        return plan
    }

    /// A message's envelopes with their new ids, each recording the body's check.
    private static func identifiedEnvelopes(_ pending: PendingCommit) -> [QueuedEnvelope] {
        var used: Set<EnvelopeID> = []
        return pending.envelopes.map { envelope in
            var envelope = envelope
            var envelopeID = EnvelopeID.random(in: pending.message.id)
            while !used.insert(envelopeID).inserted { envelopeID = EnvelopeID.random(in: pending.message.id) }
            envelope.id = envelopeID
            envelope.bodyCheck = pending.body.check
            return envelope
        }
    }

    /// The journal record of a message whose whole body is still in memory (never written before the commit).
    private func journalRecord(_ pending: PendingCommit, files: [JournalRecord.EnvelopeFile]) -> JournalRecord? {
        guard Int64(pending.body.unwritten.count) == pending.body.check.size else { return nil }
        return .committed(.init(message: pending.message.id, body: pending.body.unwritten, envelopes: files))
    }

    /// Appends records and syncs them (they fit: `planJournal` saw to that).
    private func appendDurably(_ records: [JournalRecord], to journal: CommitJournal) -> QueueError? {
        do throws(QueueError) {
            try journal.append(records)
            try journal.sync()
            return nil
        } catch {
            return error
        }
    }

    /// A published message's envelope files, still open, and what the commit returns for it.
    private struct PublishedMessage: Sendable {
        let committed: CommittedMessage
        /// Paths in queue/<msgid>/.
        let envelopes: [(fd: Int32, path: String)]
    }

    /// Writes the body's unwritten end, then the envelope files beside the body in incoming/<msgid>/, each
    /// recording the body's check, then renames the directory to queue/<msgid>; nothing is synced yet. On
    /// failure the message's directory is gone and its body descriptor closed.
    private func writeAndPublish(
        _ pending: PendingCommit, _ envelopes: [QueuedEnvelope], files encoded: [JournalRecord.EnvelopeFile]
    ) -> Result<PublishedMessage, QueueError> {
        let directory = pending.message.directory
        let id = pending.message.id
        var files: [(fd: Int32, name: String)] = []
        do throws(QueueError) {
            if !pending.body.unwritten.isEmpty {
                try fileSystem.writeAll(pending.body.fd, pending.body.unwritten, path: directory + "/message")
            }
            for (index, envelope) in encoded.enumerated() {
                let path = directory + "/" + envelope.id.description
                let fd: Int32
                if index == 0, let reusable = pending.message.reusableEnvelope {
                    fd = try fileSystem.takeOver(directory + "/" + reusable, as: path)
                } else {
                    fd = try fileSystem.createExclusive(path)
                }
                files.append((fd, envelope.id.description))
                try fileSystem.writeAll(fd, envelope.bytes, path: path)
            }
            try fileSystem.rename(directory, messageDirectory(id))
            let published = messageDirectory(id)
            return .success(PublishedMessage(
                committed: CommittedMessage(id: id, envelopes: envelopes),
                envelopes: files.map { ($0.fd, published + "/" + $0.name) }))
        } catch {
            for (fd, _) in files { close(fd) }
            close(pending.body.fd)
            fileSystem.removeTree(directory)
            return .failure(error)
        }
    }

    private func sync(descriptor: Int32, path: String) -> QueueError? {
        do throws(QueueError) {
            try fileSystem.fsyncFile(descriptor, path: path)
            return nil
        } catch {
            return error
        }
    }

    private func syncDirectory(_ path: String) -> QueueError? {
        do throws(QueueError) {
            try fileSystem.fsyncDirectory(path)
            return nil
        } catch {
            return error
        }
    }
}
