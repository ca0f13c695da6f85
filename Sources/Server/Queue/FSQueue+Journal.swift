#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FSQueue {
    /// Start-up, before anything else reads queue/: opens the commit journal and puts back what its current
    /// generation says the queue holds, then checkpoints (a new, empty generation).
    ///
    /// After a process stop (kill -9) every file is whole and this finds nothing to do; after a machine stop,
    /// a message acknowledged through the journal may have lost its directory, its body or an envelope file.
    /// For each `committed` record, every envelope without a `removed` record is made whole again:
    /// - the message directory is made when missing;
    /// - the body is written again when it differs from the record's;
    /// - an envelope file is written again when missing or unreadable. One that reads is kept: it may be a
    ///   later version (an update of its tries) than the record's.
    ///
    /// Each `removed` record's envelope file is unlinked, in case the stop kept it; the scan that follows
    /// removes a message left without envelopes.
    func openJournal(into scan: inout QueueScan) throws(QueueError) {
        guard journalCapacity > 0 else { return }
        let (journal, records) = try CommitJournal.open(directory: directory, capacity: journalCapacity)
        var removed: Set<EnvelopeID> = []
        for case .removed(let id) in records { removed.insert(id) }
        for case .committed(let record) in records {
            if try restore(record, except: removed) { scan.restoredFromJournal += 1 }
        }
        for id in removed { unlink(envelopePath(id)) }
        try journal.checkpoint()
        self.journal.withLock { $0 = journal }
    }

    /// Makes one committed message whole again; true when anything had to be written.
    private func restore(_ record: JournalRecord.CommittedRecord, except removed: Set<EnvelopeID>) throws(QueueError) -> Bool {
        let live = record.envelopes.filter { !removed.contains($0.id) }
        guard !live.isEmpty else { return false }
        let path = messageDirectory(record.message)
        var repaired = false
        if !fileSystem.isDirectory(path) {
            try fileSystem.makeDirectory(path)
            repaired = true
        }
        if (try? fileSystem.readFile(path + "/message")) != record.body {
            try replaceFile(path + "/message", with: record.body)
            repaired = true
        }
        for envelope in live {
            let file = path + "/" + envelope.id.description
            if let bytes = try? fileSystem.readFile(file),
                (try? EnvelopeFileFormat.decode(bytes, expected: envelope.id)) != nil
            {
                continue
            }
            try replaceFile(file, with: envelope.bytes)
            repaired = true
        }
        return repaired
    }

    /// The checkpoint after replay makes the file durable with the rest.
    private func replaceFile(_ path: String, with bytes: [UInt8]) throws(QueueError) {
        unlink(path)
        let fd = try fileSystem.createExclusive(path)
        defer { close(fd) }
        try fileSystem.writeAll(fd, bytes, path: path)
    }
}
