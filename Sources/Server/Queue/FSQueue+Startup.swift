#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the start-up scan found and did.
public struct QueueScan: Sendable {
    /// Every envelope in queue/, sorted by id, for the scheduler.
    public var envelopes: [QueuedEnvelope] = []
    /// Messages in incoming/ that were never committed (a crash or kill -9 during DATA) and were removed.
    public var removedIncoming = 0
    /// Paths moved to corrupt/, each with the reason, for the log.
    public var corrupt: [(path: String, reason: String)] = []
    /// Bodies read to compare with their envelopes' check: every one after the machine restarted since the
    /// queue was last opened, none otherwise.
    public var checkedBodies = 0
    /// Messages that the commit journal made whole again (a machine stop lost some of their files).
    public var restoredFromJournal = 0
}

extension FSQueue {
    /// The start-up scan: creates the directories, removes uncommitted messages from incoming/ (nobody was
    /// told 250 for them), removes interrupted envelope rewrites, and returns every envelope in queue/.
    ///
    /// Nothing committed is ever deleted: an unreadable envelope moves to corrupt/<msgid>/ with a hard link
    /// to its body; a message directory without a body, or an unknown name in queue/, moves there whole.
    /// The one thing removed from queue/ is a body whose envelopes are all gone: a removal that a crash
    /// interrupted after the last delivery.
    ///
    /// When the machine restarted since the queue was last opened (another boot id), every body is also
    /// compared with the size and SHA-256 its envelopes recorded: a commit that the stop cut short, between
    /// its rename into queue/ and the end of its fsyncs, can leave a body that never reached the disk. Such
    /// a message was never acknowledged; it moves to corrupt/<msgid>-torn instead of being delivered.
    /// Without a restart every file the queue wrote is still whole (the page cache outlives any process),
    /// and reading every body would only slow the start.
    ///
    /// Call once, before any other method.
    public func loadAll() async throws -> QueueScan {
        let scan = try await onIOQueue { [self] () throws(QueueError) in try scanBlocking() }
        startSpares()
        return scan
    }

    private func scanBlocking() throws(QueueError) -> QueueScan {
        try fileSystem.ensureDirectory(directory)
        if exclusive, lock.withLock({ $0 == nil }) {
            let held = try QueueLock.acquire(directory: directory)
            lock.withLock { $0 = held }
        }
        for path in [incomingDirectory, queueDirectory, corruptDirectory] { try fileSystem.ensureDirectory(path) }
        fileSystem.spreadSubdirectories(incomingDirectory)
        var scan = QueueScan()
        try openJournal(into: &scan)
        let bootID = fileSystem.bootID()
        let checkBodies = bootID == nil || bootID != recordedBootID()

        let incoming = try fileSystem.listDirectory(incomingDirectory)
        for name in incoming { fileSystem.removeTree(incomingDirectory + "/" + name) }
        scan.removedIncoming = incoming.count
        if !incoming.isEmpty { try fileSystem.fsyncDirectory(incomingDirectory) }

        for name in try fileSystem.listDirectory(queueDirectory).sorted() {
            let path = queueDirectory + "/" + name
            guard let id = MessageID(hex: name), fileSystem.isDirectory(path) else {
                try moveToCorrupt(path, as: "unknown-" + name, reason: "not a message directory", into: &scan)
                continue
            }
            try scanMessage(id, checkingBody: checkBodies, into: &scan)
        }
        try fileSystem.fsyncDirectory(queueDirectory)
        if !scan.corrupt.isEmpty { try fileSystem.fsyncDirectory(corruptDirectory) }
        // Only once every body was checked: a stop during the check must lead to another.
        if let bootID, checkBodies { try recordBootID(bootID) }
        scan.envelopes.sort { $0.id! < $1.id! }
        return scan
    }

    private func scanMessage(_ id: MessageID, checkingBody: Bool, into scan: inout QueueScan) throws(QueueError) {
        let path = messageDirectory(id)
        let names = try fileSystem.listDirectory(path)
        guard names.contains("message") else {
            if names.isEmpty {
                fileSystem.removeTree(path)
            } else {
                try moveToCorrupt(path, as: id.description + "-nobody", reason: "envelopes without a body", into: &scan)
            }
            return
        }
        var kept: [QueuedEnvelope] = []
        for name in names where name != "message" {
            let file = path + "/" + name
            if name.hasSuffix(".tmp") {
                unlink(file)  // an updateEnvelope that a crash interrupted; the old version is still there
                continue
            }
            guard let envelopeID = EnvelopeID(hex: name), envelopeID.messageID == id else {
                try quarantine(file, of: id, name: name, reason: "unknown file", into: &scan)
                continue
            }
            let bytes = try fileSystem.readFile(file)
            do throws(EnvelopeParseError) {
                kept.append(try EnvelopeFileFormat.decode(bytes, expected: envelopeID))
            } catch {
                try quarantine(file, of: id, name: name, reason: error.reason, into: &scan)
            }
        }
        if kept.isEmpty {
            fileSystem.removeTree(path)
            return
        }
        let recorded = Set(kept.compactMap(\.bodyCheck))
        if checkingBody, !recorded.isEmpty {
            scan.checkedBodies += 1
            let actual = try fileSystem.bodyCheck(of: path + "/message")
            guard recorded == [actual] else {
                try moveToCorrupt(path, as: id.description + "-torn",
                    reason: "body does not match its envelopes (a commit cut short when the machine stopped; never acknowledged)",
                    into: &scan)
                return
            }
        }
        scan.envelopes += kept
    }

    private var bootIDPath: String { directory + "/boot-id" }

    /// The boot id under which the queue was last opened, if any.
    private func recordedBootID() -> String? {
        guard let bytes = try? fileSystem.readFile(bootIDPath) else { return nil }
        return String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
    }

    private func recordBootID(_ bootID: String) throws(QueueError) {
        let temporary = bootIDPath + ".tmp"
        unlink(temporary)
        try fileSystem.writeFileDurably(temporary, Array((bootID + "\n").utf8))
        try fileSystem.rename(temporary, bootIDPath)
        try fileSystem.fsyncDirectory(directory)
    }

    /// Moves one file of a message to corrupt/<msgid>/, with a hard link to the body so the message
    /// survives even when its other envelopes are delivered and removed.
    private func quarantine(
        _ file: String, of id: MessageID, name: String, reason: String, into scan: inout QueueScan
    ) throws(QueueError) {
        let target = corruptDirectory + "/" + id.description
        try fileSystem.ensureDirectory(target)
        if !fileSystem.exists(target + "/message") {
            guard link(messageDirectory(id) + "/message", target + "/message") == 0 else {
                throw QueueError.fromErrno("link", target + "/message")
            }
        }
        try fileSystem.rename(file, target + "/" + name)
        try fileSystem.fsyncDirectory(target)
        scan.corrupt.append((file, reason))
    }

    private func moveToCorrupt(_ path: String, as name: String, reason: String, into scan: inout QueueScan) throws(QueueError) {
        var target = corruptDirectory + "/" + name
        while fileSystem.exists(target) { target += "_" }
        try fileSystem.rename(path, target)
        scan.corrupt.append((path, reason))
    }
}
