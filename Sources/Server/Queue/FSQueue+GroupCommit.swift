import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Commits waiting for the next batch, and whether a batch is running.
struct PendingCommits {
    var waiting: [PendingCommit] = []
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

extension FSQueue {
    /// Makes a received message durable and returns once it is: the body's end and the envelope files
    /// written, the message's directory renamed into queue/, then every file and directory involved fsynced
    /// at once. Only then may the session answer 250. On failure the message is removed and nothing of it
    /// is in queue/; a `QueueError.diskFull` means 452 4.3.1.
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

    /// Takes whatever accumulated and commits it, until nothing is waiting.
    private func runBatches() {
        while true {
            let batch = pendingCommits.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty {
                    state.batchRunning = false
                } else {
                    state.batches += 1
                    state.messages += state.waiting.count
                }
                return state.waiting
            }
            if batch.isEmpty { return }
            commitBatch(batch)
        }
    }

    private func commitBatch(_ batch: [PendingCommit]) {
        // 1. Each message: write the rest of its body and its envelope files beside it (not synced yet),
        //    then publish it with one rename of its directory.
        let written = inParallel(batch.indices.map { index in { self.writeAndPublish(batch[index]) } })
        var results: [Result<CommittedMessage, QueueError>] = written.map { $0.map { $0.committed } }

        // 2. Every body, envelope and message directory, and queue/ and incoming/ once for the whole batch,
        //    fsynced all at once: none of these fsyncs depends on another, and a lone message waits for one
        //    of them instead of five.
        var syncs: [(message: Int?, work: @Sendable () -> QueueError?)] = []
        for (index, result) in written.enumerated() {
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
        var batchFailure: QueueError?
        for ((index, _), failure) in zip(syncs, failures) {
            guard let failure else { continue }
            if let index {
                if case .success = results[index] { results[index] = .failure(failure) }
            } else {
                batchFailure = batchFailure ?? failure
            }
        }

        // 3. A message that cannot be acknowledged leaves queue/ again: one whose own fsyncs failed, or all
        //    of them when a directory's did.
        for (index, result) in written.enumerated() {
            guard case .success(let files) = result else { continue }
            close(batch[index].body.fd)
            for (fd, _) in files.envelopes { close(fd) }
            if let batchFailure, case .success = results[index] { results[index] = .failure(batchFailure) }
            if case .failure = results[index] { fileSystem.removeTree(messageDirectory(files.committed.id)) }
        }

        // 4. Everything acknowledged is durable now.
        for (pending, result) in zip(batch, results) {
            pending.continuation.resume(with: result.mapError { $0 as any Error })
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
