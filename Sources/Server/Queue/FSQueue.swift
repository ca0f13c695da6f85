import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tern's durable queue on disk. See README.md in this folder for the format.
///
/// ```
/// <directory>/incoming/<msgid>/message      body being received (DATA/BDAT), plus envelope files at commit;
///                                           empty in a spare made ahead of MAIL FROM
/// <directory>/queue/<msgid>/message         committed body, never changed
/// <directory>/queue/<msgid>/<evpid>         one envelope file per recipient (EnvelopeFileFormat)
/// <directory>/queue/<msgid>/<evpid>.tmp     an envelope rewrite in progress (removed at start-up)
/// <directory>/corrupt/<msgid>/...           unreadable envelopes, with a hard link to their body
/// <directory>/corrupt/<msgid>-torn/         a body that does not match its envelopes after a machine restart
/// <directory>/boot-id                       the boot id under which the queue was last opened
/// <directory>/journal                       the commit journal
/// <directory>/lock                          flocked by the daemon's queue (`exclusive`), with its pid
/// ```
///
/// A message enters queue/ by one rename of its whole directory, once its body and envelope files are
/// written, so a running queue never holds half a message. Then it is made durable, and only then does
/// `commit` return and the session may answer 250: a small message by one record in the commit journal
/// (`<directory>/journal`, CommitJournal.swift), which start-up replays after a machine stop; a large one by
/// fsyncing its files, its directory, queue/ and incoming/ in one round. Each envelope records the body's
/// size and SHA-256, which start-up compares after a machine restart, when a round cut short could have left
/// a body that never reached the disk. Commits that arrive while a batch is syncing form the next batch
/// (group commit): one fdatasync of the journal for all its small messages, and the large ones' fsyncs
/// concurrently with it.
///
/// Every system call blocks, so each runs on the queue's own dispatch queues, never on the caller's
/// thread: the async API can be awaited from NIO handlers' tasks.
///
/// Order of use: `loadAll()` once at start-up (it creates the directories and clears incoming/), then
/// anything else concurrently. One `IncomingMessage` is used by one session at a time.
public final class FSQueue: Sendable {
    /// Like OpenSMTPD's /var/spool/smtpd; the daemon's `--queue-dir` moves it.
    public static let defaultDirectory = "/var/spool/tern"

    public let directory: String
    let fileSystem: QueueFileSystem
    /// Independent blocking operations (appends, updates, removals, reads, a batch's fsyncs), spread over a
    /// few serial queues. Serial queues get their own threads when the others block; a concurrent queue would
    /// share the width-limited pool that also runs Swift's tasks on Linux, and fsyncs there could starve them.
    /// Sixteen: a batch of a hundred sessions' commits has hundreds of fsyncs, which mostly wait for the disk.
    let ioQueues: [DispatchQueue] = (0..<16).map { DispatchQueue(label: "tern.queue.io.\($0)") }
    private let nextIOQueueIndex = Locked(0)
    /// Runs one commit batch at a time; within a batch the fsyncs run concurrently.
    let commitQueue = DispatchQueue(label: "tern.queue.commit")
    let pendingCommits = Locked(PendingCommits())
    /// queue/ after removals: one fsync serves every removal made before it started.
    let queueDirectorySync: SharedDirectorySync
    /// The commit journal's largest size; 0 turns it off, and every commit takes the round of fsyncs.
    let journalCapacity: Int
    /// The commit journal (CommitJournal.swift), opened by `loadAll`; nil before, or when turned off.
    let journal = Locked<CommitJournal?>(nil)
    /// Whether `loadAll` takes the queue's lock (QueueLock.swift): the daemon's queue does; tools and tests that
    /// open a queue beside a running instance do not.
    let exclusive: Bool
    /// The lock, held from `loadAll` for as long as this instance lives.
    let lock = Locked<QueueLock?>(nil)
    /// incoming/ directories made ahead of MAIL FROM (FSQueue+Spares.swift), and the thread that makes them.
    let spares: Locked<SpareMessages>
    let spareQueue = DispatchQueue(label: "tern.queue.spares")

    var incomingDirectory: String { directory + "/incoming" }
    var queueDirectory: String { directory + "/queue" }
    var corruptDirectory: String { directory + "/corrupt" }

    /// The commit journal's size: at about 2.6 KiB per small message, a checkpoint every 25,000 messages.
    public static let defaultJournalCapacity = 64 * 1024 * 1024

    /// `spareMessages`: how many message directories to keep made ahead of MAIL FROM (the daemon keeps a
    /// few; 0 leaves incoming/ empty between messages). `journalCapacity`: the commit journal's largest size
    /// (0: no journal, every commit fsyncs its files). `exclusive`: `loadAll` fails with `QueueError.inUse`
    /// while another process holds the queue (the daemon's queue).
    public convenience init(
        directory: String = FSQueue.defaultDirectory, spareMessages: Int = 0,
        journalCapacity: Int = FSQueue.defaultJournalCapacity, exclusive: Bool = false
    ) {
        self.init(
            directory: directory, fileSystem: QueueFileSystem(), spareMessages: spareMessages,
            journalCapacity: journalCapacity, exclusive: exclusive)
    }

    /// `fileSystem` lets tests inject write failures (ENOSPC).
    init(
        directory: String, fileSystem: QueueFileSystem, spareMessages: Int = 0,
        journalCapacity: Int = FSQueue.defaultJournalCapacity, exclusive: Bool = false
    ) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.journalCapacity = journalCapacity
        self.exclusive = exclusive
        spares = Locked(SpareMessages(target: spareMessages))
        queueDirectorySync = SharedDirectorySync(
            path: directory + "/queue", fileSystem: fileSystem, label: "tern.queue.removal-sync")
    }

    deinit {
        for spare in spares.withLock({ $0.ready }) {
            spare.closeUnused()
        }
    }

    func nextIOQueue() -> DispatchQueue {
        ioQueues[nextIOQueueIndex.withLock { index in
            index = (index + 1) % ioQueues.count
            return index
        }]
    }

    /// Runs blocking work on one of `ioQueues` and resumes the caller with its result.
    func onIOQueue<T: Sendable>(_ work: @escaping @Sendable () throws(QueueError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            nextIOQueue().async {
                do throws(QueueError) {
                    continuation.resume(returning: try work())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Runs independent blocking jobs at once and returns their results in order: the first on the calling
    /// thread, the others spread over `ioQueues`. Call from a queue thread only (it blocks until all are done).
    func inParallel<T: Sendable>(_ jobs: [@Sendable () -> T]) -> [T] {
        guard jobs.count > 1 else { return jobs.map { $0() } }
        let lanes = min(jobs.count, ioQueues.count + 1)
        let results = Locked([T?](repeating: nil, count: jobs.count))
        let runLane: @Sendable (Int) -> Void = { lane in
            for index in stride(from: lane, to: jobs.count, by: lanes) {
                let result = jobs[index]()
                results.withLock { $0[index] = result }
            }
        }
        let group = DispatchGroup()
        for lane in 1..<lanes {
            nextIOQueue().async(group: group) { runLane(lane) }
        }
        runLane(0)
        group.wait()
        return results.withLock { $0.map { $0! } }
    }

    // MARK: Receiving

    /// Starts a message: a fresh id and an empty body file in incoming/<msgid>/. Call at MAIL FROM.
    /// A spare made ahead of time is taken when one is ready (see FSQueue+Spares.swift), so the reply to MAIL
    /// does not wait for the mkdir.
    public func beginMessage() async throws -> IncomingMessage {
        if let spare = takeSpare() { return spare }
        return try await onIOQueue { [self] () throws(QueueError) in try createIncoming() }
    }

    /// Makes incoming/<msgid>/ with an empty body file, under an id free in both incoming/ and queue/.
    func createIncoming() throws(QueueError) -> IncomingMessage {
        while true {
            let id = MessageID.random()
            let path = incomingDirectory + "/" + id.description
            // The id must be free in both folders: incoming/ by mkdir's exclusivity, queue/ by checking,
            // which is race-free because only the rename of incoming/<id> can create queue/<id>.
            if fileSystem.exists(queueDirectory + "/" + id.description) { continue }
            guard mkdir(path, 0o700) == 0 else {
                if errno == EEXIST { continue }
                throw QueueError.fromErrno("mkdir", path)
            }
            do throws(QueueError) {
                let fd = try fileSystem.createExclusive(path + "/message")
                return IncomingMessage(id: id, directory: path, fd: fd)
            } catch {
                fileSystem.removeTree(path)
                throw error
            }
        }
    }

    /// Appends body bytes. Small pieces are kept in memory and written together, by a later append once
    /// `bodyBufferLimit` bytes are waiting, or by the commit: a message of a few KiB costs one write, not
    /// one trip to an I/O thread per piece. On any failure, disk full included, the message is already
    /// aborted.
    public func append(_ message: IncomingMessage, _ bytes: [UInt8]) async throws {
        switch message.buffer(bytes, writingFrom: Self.bodyBufferLimit) {
        case .closed:
            throw QueueError.messageClosed(message.id)
        case .kept:
            return
        case .write(let fd, let chunk):
            try await onIOQueue { [self] () throws(QueueError) in
                do throws(QueueError) {
                    try fileSystem.writeAll(fd, chunk, path: message.directory + "/message")
                } catch {
                    discard(message)
                    throw error
                }
            }
        }
    }

    /// How many body bytes an append keeps in memory before writing them.
    static let bodyBufferLimit = 64 * 1024

    /// Drops a message that will not be committed (RSET, a lost connection, a size limit).
    public func abort(_ message: IncomingMessage) async {
        _ = try? await onIOQueue { [self] () throws(QueueError) in discard(message) }
    }

    /// Closes the body file and removes the message's directory from incoming/.
    func discard(_ message: IncomingMessage) {
        message.closeUnused()
        fileSystem.removeTree(message.directory)
    }

    // MARK: Delivery and scheduling

    /// Opens a committed body for reading; the caller closes the descriptor. Blocking (a local `open`): the
    /// scheduler calls it on its own thread.
    public func openBody(_ id: MessageID) throws(QueueError) -> Int32 {
        let path = messageDirectory(id) + "/message"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? QueueError.notFound("message \(id)") : QueueError.fromErrno("open", path) }
        return fd
    }

    /// A committed body's bytes, for small messages and tests.
    public func readBody(_ id: MessageID) async throws -> [UInt8] {
        try await onIOQueue { [self] () throws(QueueError) in
            let path = messageDirectory(id) + "/message"
            guard fileSystem.exists(path) else { throw QueueError.notFound("message \(id)") }
            return try fileSystem.readFile(path)
        }
    }

    /// Rewrites an envelope (tries, next try, last error) atomically: a temporary file, fsync, rename over
    /// the old one, fsync of the directory. A crash leaves the old or the new version, never a mix.
    /// The scheduler must not update one envelope from two tasks at once.
    public func updateEnvelope(_ envelope: QueuedEnvelope) async throws {
        guard let id = envelope.id else { throw QueueError.notFound("envelope without id") }
        try await onIOQueue { [self] () throws(QueueError) in
            let path = envelopePath(id)
            guard fileSystem.exists(path) else { throw QueueError.notFound("envelope \(id)") }
            let temporary = path + ".tmp"
            unlink(temporary)
            try fileSystem.writeFileDurably(temporary, EnvelopeFileFormat.encode(envelope, id: id))
            do throws(QueueError) {
                try fileSystem.rename(temporary, path)
            } catch {
                unlink(temporary)
                throw error
            }
            try fileSystem.fsyncDirectory(messageDirectory(id.messageID))
        }
    }

    /// Removes a delivered (or bounced) envelope; with the message's last envelope goes its body, or the
    /// whole directory becomes a spare (FSQueue+Spares.swift). Call only once the delivery itself is durable.
    ///
    /// With the journal, the removal is recorded and synced there first (shared with the commits and removals
    /// of the same batch, FSQueue+GroupCommit.swift), and the files go without fsyncs; without it, the message
    /// directory and queue/ are fsynced after.
    public func removeEnvelope(_ id: EnvelopeID) async throws {
        if journal.withLock({ $0 != nil }) {
            try await removeThroughJournal(id)
            return
        }
        let messageRemoved = try await onIOQueue { [self] () throws(QueueError) in
            try removeEnvelopeFiles(id, syncing: true)
        }
        // Removals that end at the same time share one fsync of queue/.
        if messageRemoved { try await queueDirectorySync.sync() }
    }

    /// Unlinks an envelope, and its message with it when it was the last (recycled as a spare when one is
    /// wanted). `syncing`: fsync the message directory when other envelopes stay. True when the message left
    /// queue/. Runs on a queue thread.
    func removeEnvelopeFiles(_ id: EnvelopeID, syncing: Bool) throws(QueueError) -> Bool {
        if recycleAsSpare(id) { return true }
        let path = envelopePath(id)
        guard unlink(path) == 0 else {
            throw errno == ENOENT ? QueueError.notFound("envelope \(id)") : QueueError.fromErrno("unlink", path)
        }
        let messagePath = messageDirectory(id.messageID)
        do throws(QueueError) {
            let others = try fileSystem.listDirectory(messagePath).filter { EnvelopeID(hex: $0) != nil }
            if others.isEmpty {
                // A crash between the unlink above and here leaves a body without envelopes, which
                // loadAll removes: the message was fully delivered.
                fileSystem.removeTree(messagePath)
                return true
            }
            if syncing { try fileSystem.fsyncDirectory(messagePath) }
            return false
        } catch .system(_, _, ENOENT) {
            // The removal of the message's other envelope, on another I/O queue, unlinked it between our
            // unlink and our look, found no envelope left and removed the directory: ours went with it.
            return true
        }
    }

    func messageDirectory(_ id: MessageID) -> String { queueDirectory + "/" + id.description }

    func envelopePath(_ id: EnvelopeID) -> String { messageDirectory(id.messageID) + "/" + id.description }
}

/// A message being received: its id (for the Received header), its open body file, body bytes not
/// written yet, and the body's running check.
public final class IncomingMessage: Sendable {
    public let id: MessageID
    /// incoming/<msgid>
    let directory: String
    private let state: Locked<State>

    private struct State {
        /// nil once committed or aborted.
        var descriptor: Int32?
        var unwritten: [UInt8] = []
        var check = BodyCheckAccumulator()
    }

    /// An empty file in `directory`, left by the delivered message this spare was made from, that the commit
    /// renames into the first envelope instead of creating a file.
    let reusableEnvelope: String?

    init(id: MessageID, directory: String, fd: Int32, reusableEnvelope: String? = nil) {
        self.id = id
        self.directory = directory
        self.reusableEnvelope = reusableEnvelope
        self.state = Locked(State(descriptor: fd))
    }

    enum Buffered {
        case closed
        case kept
        /// Write `chunk` to `fd` now: everything buffered so far, in order.
        case write(fd: Int32, chunk: [UInt8])
    }

    /// Adds body bytes to the unwritten ones and hands them all over once there are `limit` or more.
    func buffer(_ bytes: [UInt8], writingFrom limit: Int) -> Buffered {
        state.withLock { state in
            guard let fd = state.descriptor else { return .closed }
            state.check.add(bytes[...])
            state.unwritten.append(contentsOf: bytes)
            guard state.unwritten.count >= limit else { return .kept }
            defer { state.unwritten = [] }
            return .write(fd: fd, chunk: state.unwritten)
        }
    }

    /// What the commit or the discard takes over.
    struct Handover {
        let fd: Int32
        let unwritten: [UInt8]
        let check: BodyCheck
    }

    /// Hands the descriptor, the unwritten bytes and the body's check over (to commit or discard) so no
    /// later append can use them.
    func takeDescriptor() -> Handover? {
        state.withLock { state in
            guard let fd = state.descriptor else { return nil }
            defer { state = State(descriptor: nil) }
            return Handover(fd: fd, unwritten: state.unwritten, check: state.check.finish())
        }
    }

    /// Closes the descriptor of a message that will never be used.
    func closeUnused() {
        state.withLock { state in
            if let fd = state.descriptor { close(fd) }
            state = State(descriptor: nil)
        }
    }
}

/// What `commit` made durable: the message id for the 250 reply, and the envelopes with their new ids for
/// the scheduler.
public struct CommittedMessage: Sendable {
    public let id: MessageID
    public let envelopes: [QueuedEnvelope]
}
