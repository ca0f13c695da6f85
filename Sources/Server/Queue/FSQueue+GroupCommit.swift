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
    let bodyDescriptor: Int32
    let envelopes: [QueuedEnvelope]
    let continuation: CheckedContinuation<CommittedMessage, any Error>
}

extension FSQueue {
    /// Makes a received message durable and returns once it is: envelope files written, every file and
    /// directory fsynced, the message's directory renamed into queue/, queue/ fsynced. Only then may the
    /// session answer 250. On failure the message is removed and nothing of it is in queue/; a
    /// `QueueError.diskFull` means 452 4.3.1.
    ///
    /// Commits that arrive while a batch is syncing wait for the next batch (group commit); the window is
    /// exactly the previous batch's duration, so a lone commit is never delayed.
    public func commit(_ message: IncomingMessage, envelopes: [QueuedEnvelope]) async throws -> CommittedMessage {
        guard let fd = message.takeDescriptor() else { throw QueueError.messageClosed(message.id) }
        guard !envelopes.isEmpty else {
            close(fd)
            await abort(message)
            throw QueueError.noEnvelopes
        }
        return try await withCheckedThrowingContinuation { continuation in
            let pending = PendingCommit(message: message, bodyDescriptor: fd, envelopes: envelopes, continuation: continuation)
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
        // 1. Each message: write its envelope files beside the body (not synced yet).
        let written = inParallel(batch.indices.map { index in { self.writeEnvelopes(batch[index]) } })

        // 2. Every file of every message and every message directory fsynced, all at once: none of these
        //    fsyncs depends on another, and on a lone message this makes one wait of three.
        var syncs: [(message: Int, work: @Sendable () -> QueueError?)] = []
        for (index, result) in written.enumerated() {
            guard case .success(let files) = result else { continue }
            let directory = batch[index].message.directory
            syncs.append((index, { self.sync(descriptor: batch[index].bodyDescriptor, path: directory + "/message") }))
            for (fd, path) in files.envelopes {
                syncs.append((index, { self.sync(descriptor: fd, path: path) }))
            }
            syncs.append((index, { self.syncDirectory(directory) }))
        }
        let syncFailures = inParallel(syncs.map { $0.work })
        var results: [Result<CommittedMessage, QueueError>] = written.map { $0.map { $0.committed } }
        for ((index, _), failure) in zip(syncs, syncFailures) {
            if let failure, case .success = results[index] { results[index] = .failure(failure) }
        }
        for (index, result) in written.enumerated() {
            guard case .success(let files) = result else { continue }
            close(batch[index].bodyDescriptor)
            for (fd, _) in files.envelopes { close(fd) }
            if case .failure = results[index] { fileSystem.removeTree(batch[index].message.directory) }
        }

        // 3. Publish each message with one rename of its directory.
        var renamed: [Int] = []
        for index in batch.indices {
            guard case .success(let committed) = results[index] else { continue }
            do throws(QueueError) {
                try fileSystem.rename(batch[index].message.directory, messageDirectory(committed.id))
                renamed.append(index)
            } catch {
                fileSystem.removeTree(batch[index].message.directory)
                results[index] = .failure(error)
            }
        }

        // 4. One fsync of each directory for the whole batch, both at once. If that fails nothing can be
        //    acknowledged, so the renamed messages are taken back out of queue/.
        if !renamed.isEmpty {
            let failure = inParallel([queueDirectory, incomingDirectory].map { path in { self.syncDirectory(path) } })
                .compactMap { $0 }.first
            if let failure {
                for index in renamed {
                    if case .success(let committed) = results[index] {
                        fileSystem.removeTree(messageDirectory(committed.id))
                    }
                    results[index] = .failure(failure)
                }
            }
        }

        // 5. Everything acknowledged is durable now.
        for (pending, result) in zip(batch, results) {
            pending.continuation.resume(with: result.mapError { $0 as any Error })
        }
    }

    /// A message's envelope files, written and still open, and what the commit returns for it.
    private struct WrittenEnvelopes: Sendable {
        let committed: CommittedMessage
        let envelopes: [(fd: Int32, path: String)]
    }

    /// Writes the envelope files beside the body in incoming/<msgid>/, without syncing them. On failure the
    /// message's directory is gone and its body descriptor closed.
    private func writeEnvelopes(_ pending: PendingCommit) -> Result<WrittenEnvelopes, QueueError> {
        let directory = pending.message.directory
        let id = pending.message.id
        var envelopes: [QueuedEnvelope] = []
        var files: [(fd: Int32, path: String)] = []
        var used: Set<EnvelopeID> = []
        do throws(QueueError) {
            for var envelope in pending.envelopes {
                var envelopeID = EnvelopeID.random(in: id)
                while !used.insert(envelopeID).inserted { envelopeID = EnvelopeID.random(in: id) }
                envelope.id = envelopeID
                let path = directory + "/" + envelopeID.description
                let fd = try fileSystem.createExclusive(path)
                files.append((fd, path))
                try fileSystem.writeAll(fd, EnvelopeFileFormat.encode(envelope, id: envelopeID), path: path)
                envelopes.append(envelope)
            }
            return .success(WrittenEnvelopes(committed: CommittedMessage(id: id, envelopes: envelopes), envelopes: files))
        } catch {
            for (fd, _) in files { close(fd) }
            close(pending.bodyDescriptor)
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
