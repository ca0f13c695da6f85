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
        // 1. Each message: write its envelopes, fsync its files and its directory; concurrently.
        let prepared = Locked([Result<CommittedMessage, QueueError>?](repeating: nil, count: batch.count))
        let group = DispatchGroup()
        for index in batch.indices {
            nextIOQueue().async(group: group) {
                let result = self.prepareForRename(batch[index])
                prepared.withLock { $0[index] = result }
            }
        }
        group.wait()  // on commitQueue's own thread, never on a Swift task's
        var results = prepared.withLock { $0.map { $0! } }

        // 2. Publish each message with one rename of its directory.
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

        // 3. One fsync of each directory for the whole batch. If that fails nothing can be acknowledged,
        //    so the renamed messages are taken back out of queue/.
        if !renamed.isEmpty {
            do throws(QueueError) {
                try fileSystem.fsyncDirectory(queueDirectory)
                try fileSystem.fsyncDirectory(incomingDirectory)
            } catch {
                for index in renamed {
                    if case .success(let committed) = results[index] {
                        fileSystem.removeTree(messageDirectory(committed.id))
                    }
                    results[index] = .failure(error)
                }
            }
        }

        // 4. Everything acknowledged is durable now.
        for (pending, result) in zip(batch, results) {
            pending.continuation.resume(with: result.mapError { $0 as any Error })
        }
    }

    /// Writes the envelope files beside the body in incoming/<msgid>/ and fsyncs everything in it.
    /// On failure the message's directory is gone.
    private func prepareForRename(_ pending: PendingCommit) -> Result<CommittedMessage, QueueError> {
        let directory = pending.message.directory
        let id = pending.message.id
        do throws(QueueError) {
            defer { close(pending.bodyDescriptor) }
            try fileSystem.fsyncFile(pending.bodyDescriptor, path: directory + "/message")
            var envelopes: [QueuedEnvelope] = []
            var used: Set<EnvelopeID> = []
            for var envelope in pending.envelopes {
                var envelopeID = EnvelopeID.random(in: id)
                while !used.insert(envelopeID).inserted { envelopeID = EnvelopeID.random(in: id) }
                envelope.id = envelopeID
                try fileSystem.writeFileDurably(
                    directory + "/" + envelopeID.description, EnvelopeFileFormat.encode(envelope, id: envelopeID))
                envelopes.append(envelope)
            }
            try fileSystem.fsyncDirectory(directory)
            return .success(CommittedMessage(id: id, envelopes: envelopes))
        } catch {
            fileSystem.removeTree(directory)
            return .failure(error)
        }
    }
}
