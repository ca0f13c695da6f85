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
    var batchRunning = false
    /// Batches and messages committed so far: their ratio shows how well group commit batches.
    var batches = 0
    var messages = 0
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
            let first = pendingCommits.withLock { state in
                state.removals.append(PendingRemoval(id: id, continuation: continuation))
                return state.removals.count == 1
            }
            if first { flushRemovalsLater() }
        }
    }

    /// How long a removal waits for a commit to share the journal's sync with.
    static let removalDelay = 0.01

    /// Arranges a batch for the removals waiting now, in case no commit takes them along first.
    private func flushRemovalsLater() {
        commitQueue.asyncAfter(deadline: .now() + Self.removalDelay) {
            let start = self.pendingCommits.withLock { state in
                guard !state.batchRunning, !state.removals.isEmpty else { return false }
                state.batchRunning = true
                return true
            }
            if start { self.runBatches(flushingRemovals: true) }
        }
    }

    /// How many journal checkpoints ran, for statistics and tests.
    public var journalCheckpoints: Int { journal.withLock { $0?.checkpoints ?? 0 } }

    /// Takes whatever accumulated and commits it, until no commit is waiting. Waiting removals go along with
    /// commits, or in the first batch when `flushingRemovals`.
    private func runBatches(flushingRemovals: Bool = false) {
        var flushing = flushingRemovals
        while true {
            let (batch, removals, removalsLeft) = pendingCommits.withLock { state in
                let batch = state.waiting
                let removals = batch.isEmpty && !flushing ? [] : state.removals
                state.waiting = []
                if !removals.isEmpty { state.removals = [] }
                if batch.isEmpty && removals.isEmpty {
                    state.batchRunning = false
                } else if !batch.isEmpty {
                    state.batches += 1
                    state.messages += batch.count
                }
                return (batch, removals, !state.removals.isEmpty)
            }
            flushing = false
            if batch.isEmpty && removals.isEmpty {
                // Removals left behind (a timer that fired while this loop ran found it busy) get a timer anew.
                if removalsLeft { flushRemovalsLater() }
                return
            }
            commitBatch(batch, removals: removals)
        }
    }

    /// What one fsync (or the journal's append and sync) of a batch stands for.
    private enum SyncScope {
        /// The files of one message that the journal does not cover.
        case message(Int)
        /// queue/ and incoming/: every message that the journal does not cover.
        case directories
        /// The journal's records: the messages it covers, and the batch's removals.
        case journal
    }

    private func commitBatch(_ batch: [PendingCommit], removals: [PendingRemoval]) {
        // 1. Each message: write the rest of its body and its envelope files beside it (not synced yet),
        //    then publish it with one rename of its directory.
        let written = batch.isEmpty ? [] : inParallel(batch.indices.map { index in { self.writeAndPublish(batch[index]) } })
        var results: [Result<CommittedMessage, QueueError>] = written.map { $0.map { $0.committed } }

        // 2. With the journal, a message whose whole body is in memory (under 64 KiB, see `append`) becomes
        //    one record, and the removals one each: all appended and synced by one fdatasync. Every other
        //    message's body, envelopes and directory, and queue/ and incoming/ once for the whole batch, are
        //    fsynced at the same time: none of these syncs depends on another.
        let journal = self.journal.withLock { $0 }
        var records: [JournalRecord] = []
        var journaled: Set<Int> = []
        if let journal {
            for (index, result) in written.enumerated() {
                guard case .success(let files) = result, let record = journalRecord(batch[index], files.committed),
                    JournalFrame.size(of: record) <= journal.largestRecord
                else { continue }
                records.append(record)
                journaled.insert(index)
            }
        }
        // The removals last: should the batch not fit in what is left of the journal's generation, a
        // checkpoint comes before them (see `appendDurably`).
        records += removals.map { .removed($0.id) }
        var syncs: [(scope: SyncScope, work: @Sendable () -> QueueError?)] = []
        for (index, result) in written.enumerated() where !journaled.contains(index) {
            guard case .success(let files) = result else { continue }
            let directory = messageDirectory(files.committed.id)
            syncs.append((.message(index), { self.sync(descriptor: batch[index].body.fd, path: directory + "/message") }))
            for (fd, path) in files.envelopes {
                syncs.append((.message(index), { self.sync(descriptor: fd, path: path) }))
            }
            syncs.append((.message(index), { self.syncDirectory(directory) }))
        }
        if !syncs.isEmpty {
            for path in [queueDirectory, incomingDirectory] { syncs.append((.directories, { self.syncDirectory(path) })) }
        }
        if let journal, !records.isEmpty {
            let toAppend = records
            syncs.append((.journal, { self.appendDurably(toAppend, to: journal) }))
        }
        let failures = inParallel(syncs.map { $0.work })
        var directoryFailure: QueueError?
        var journalFailure: QueueError?
        for ((scope, _), failure) in zip(syncs, failures) {
            guard let failure else { continue }
            switch scope {
            case .message(let index): if case .success = results[index] { results[index] = .failure(failure) }
            case .directories: directoryFailure = directoryFailure ?? failure
            case .journal: journalFailure = journalFailure ?? failure
            }
        }

        // 3. A message that cannot be acknowledged leaves queue/ again: one whose own syncs failed, or all
        //    of those a failed directory fsync or journal sync stood for.
        for (index, result) in written.enumerated() {
            guard case .success(let files) = result else { continue }
            close(batch[index].body.fd)
            for (fd, _) in files.envelopes { close(fd) }
            let shared = journaled.contains(index) ? journalFailure : directoryFailure
            if let shared, case .success = results[index] { results[index] = .failure(shared) }
            if case .failure = results[index] { fileSystem.removeTree(messageDirectory(files.committed.id)) }
        }

        // 4. Everything acknowledged is durable now.
        for (pending, result) in zip(batch, results) {
            pending.continuation.resume(with: result.mapError { $0 as any Error })
        }

        // 5. The removals, now that their records are durable; before the next batch, whose checkpoint could
        //    otherwise end the records' generation while a removal's unlink is not on the disk yet.
        if let journalFailure {
            for removal in removals { removal.continuation.resume(throwing: journalFailure) }
            return
        }
        let removed = inParallel(removals.map { removal in
            { Result { () throws(QueueError) in _ = try self.removeEnvelopeFiles(removal.id, syncing: false) } }
        })
        for (removal, result) in zip(removals, removed) {
            removal.continuation.resume(with: result.mapError { $0 as any Error })
        }
    }

    /// The journal record of a message whose whole body is still in memory (never written before the commit).
    private func journalRecord(_ pending: PendingCommit, _ committed: CommittedMessage) -> JournalRecord? {
        guard Int64(pending.body.unwritten.count) == pending.body.check.size else { return nil }
        return .committed(.init(
            message: committed.id, body: pending.body.unwritten,
            envelopes: committed.envelopes.map { envelope in
                .init(id: envelope.id!, bytes: EnvelopeFileFormat.encode(envelope, id: envelope.id!))
            }))
    }

    /// Appends records and syncs them. Where the next record does not fit, a checkpoint comes first: it makes
    /// every file written so far durable, the messages of the records appended before it included, since
    /// their files were written in step 1; the records after it start the new generation.
    private func appendDurably(_ records: [JournalRecord], to journal: CommitJournal) -> QueueError? {
        do throws(QueueError) {
            var chunk: [JournalRecord] = []
            var chunkSize = 0
            for record in records {
                let size = JournalFrame.size(of: record)
                if !journal.fits(chunkSize + size) {
                    try journal.append(chunk)
                    try journal.checkpoint()
                    chunk = []
                    chunkSize = 0
                }
                chunk.append(record)
                chunkSize += size
            }
            try journal.append(chunk)
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
    private func writeAndPublish(_ pending: PendingCommit) -> Result<PublishedMessage, QueueError> {
        let directory = pending.message.directory
        let id = pending.message.id
        var envelopes: [QueuedEnvelope] = []
        var files: [(fd: Int32, name: String)] = []
        var used: Set<EnvelopeID> = []
        do throws(QueueError) {
            if !pending.body.unwritten.isEmpty {
                try fileSystem.writeAll(pending.body.fd, pending.body.unwritten, path: directory + "/message")
            }
            for (index, var envelope) in pending.envelopes.enumerated() {
                var envelopeID = EnvelopeID.random(in: id)
                while !used.insert(envelopeID).inserted { envelopeID = EnvelopeID.random(in: id) }
                envelope.id = envelopeID
                envelope.bodyCheck = pending.body.check
                let path = directory + "/" + envelopeID.description
                let fd: Int32
                if index == 0, let reusable = pending.message.reusableEnvelope {
                    fd = try fileSystem.takeOver(directory + "/" + reusable, as: path)
                } else {
                    fd = try fileSystem.createExclusive(path)
                }
                files.append((fd, envelopeID.description))
                try fileSystem.writeAll(fd, EnvelopeFileFormat.encode(envelope, id: envelopeID), path: path)
                envelopes.append(envelope)
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
