import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Message directories made ahead of time, so that MAIL FROM takes one at once.
///
/// A fresh incoming/<msgid>/ costs a mkdir and a file creation, and on ext4 these are the slowest calls a
/// message makes before its commit (a new inode and a new directory block; 0.2–0.7 ms on the benchmark
/// disk), all in the time between MAIL FROM and its reply. A spare is the same directory with its empty body
/// file, ready before anyone asks. Spares are ordinary uncommitted messages: start-up removes them from
/// incoming/ with the rest, and nothing needs them to survive.
///
/// Most spares are **recycled**: when the last envelope of a message whose directory holds just its body and
/// that envelope is removed, the directory is renamed from queue/ into incoming/ under a fresh id, its body
/// truncated, and the envelope file kept (emptied) for the next commit to rename into its first envelope.
/// Each file is emptied through a descriptor of its own that is closed at once: on ext4 (and XFS) a file
/// truncated to nothing has its blocks allocated and written out when it is next closed (`auto_da_alloc`,
/// meant for programs that rewrite files without fsync), and that close would otherwise be the commit's,
/// after the next message's bytes, putting a write of every body and envelope on the commit's path although
/// the journal already makes the message durable. Closed while still empty, the file has nothing to write,
/// and the commit's close is an ordinary one: a queue file delivered and recycled within the kernel's
/// writeback delay may never reach the disk at all.
/// A delivered message then costs no inode frees and the next one no inode allocations, only renames. On
/// ext4 without a journal that matters beyond the calls themselves: each new inode is searched for past every
/// inode freed in the last minute or more (`recently_deleted` in ext4's ialloc.c), so a queue that frees
/// three inodes per message makes every file creation on its disk slower, the maildir deliveries' included.
/// A background thread makes new spares only when recycling falls behind (below a quarter of the target).
struct SpareMessages: Sendable {
    /// How many spares to keep ready; 0 turns them off (the default, for tools and tests that look into
    /// incoming/).
    let target: Int
    var ready: [IncomingMessage] = []
    /// Whether the maker is running; one at a time.
    var making = false
    /// Spares are made only after `loadAll` cleared incoming/.
    var loaded = false
    /// How many spares were recycled from delivered messages, and how many made new.
    var recycled = 0
    var made = 0

    /// Whether the maker should start now (it then must run: `making` is set). It starts when fewer than
    /// `threshold` are ready, and then fills up to `target`.
    mutating func startMaking(below threshold: Int) -> Bool {
        guard loaded, !making, ready.count < threshold else { return false }
        making = true
        return true
    }

    /// Below this many ready spares the maker starts; recycled spares fill the rest.
    var refillThreshold: Int { target == 0 ? 0 : max(1, target / 4) }
}

extension FSQueue {
    /// How many spares the daemon keeps. Each holds an open descriptor. Generous, so that a burst of commits
    /// ahead of their deliveries rarely empties the pool (the maker then makes new directories), and a burst
    /// of deliveries rarely fills it (a delivered message is then deleted instead of recycled).
    public static let daemonSpareMessages = 64

    /// A spare if one is ready; either way the maker is started when too few are left.
    func takeSpare() -> IncomingMessage? {
        let (spare, start) = spares.withLock { state in
            let spare = state.ready.isEmpty ? nil : state.ready.removeFirst()
            return (spare, state.startMaking(below: state.refillThreshold))
        }
        if start { spareQueue.async { self.makeSpares() } }
        return spare
    }

    /// Called once `loadAll` has cleared incoming/: fills the spares up to the target.
    func startSpares() {
        let start = spares.withLock { state in
            state.loaded = true
            return state.startMaking(below: state.target)
        }
        if start { spareQueue.async { self.makeSpares() } }
    }

    /// How many spares were recycled from delivered messages and how many made new, for tests and statistics.
    public var spareCounts: (recycled: Int, made: Int) {
        spares.withLock { ($0.recycled, $0.made) }
    }

    /// Makes spares until `target` are ready. A failure (a full disk) stops it until the next message
    /// starts it again; meanwhile `beginMessage` makes its own directory and reports the error.
    private func makeSpares() {
        while true {
            let spare = try? createIncoming()
            let more = spares.withLock { state in
                if let spare {
                    state.ready.append(spare)
                    state.made += 1
                }
                let more = spare != nil && state.ready.count < state.target
                if !more { state.making = false }
                return more
            }
            if !more { return }
        }
    }

    /// Removes the message of envelope `id` from queue/ by turning its directory into a spare, when that
    /// envelope is its last and only file beside the body and spares are wanted. True when the message left
    /// queue/ (the caller then syncs queue/); false when nothing was done and the caller removes the envelope
    /// itself. Runs on an I/O queue.
    ///
    /// Only a lone envelope is recycled this way: with others beside it, a concurrent removal of one of them
    /// could be looking at the same directory, and the ordinary path (unlink, then look) handles that.
    func recycleAsSpare(_ id: EnvelopeID) -> Bool {
        let wanted = spares.withLock { $0.loaded && $0.ready.count < $0.target }
        guard wanted else { return false }
        let source = messageDirectory(id.messageID)
        guard let names = try? fileSystem.listDirectory(source), names.count == 2,
            Set(names) == ["message", id.description]
        else { return false }
        // A fresh id, free in both folders as createIncoming requires. rename(2) would replace an empty
        // directory of that name; incoming/ holds none but for the instant between a spare's mkdir and its
        // body's creation, under an id just drawn at random, so the check before the rename suffices.
        var spareID = MessageID.random()
        while fileSystem.exists(queueDirectory + "/" + spareID.description)
            || fileSystem.exists(incomingDirectory + "/" + spareID.description)
        {
            spareID = MessageID.random()
        }
        let spare = incomingDirectory + "/" + spareID.description
        guard (try? fileSystem.rename(source, spare)) != nil else { return false }
        // The message has left queue/; from here a failure only loses the spare.
        let body = spare + "/message"
        guard Self.empty(body), Self.empty(spare + "/" + id.description) else {
            fileSystem.removeTree(spare)
            return true
        }
        let fd = open(body, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            fileSystem.removeTree(spare)
            return true
        }
        let message = IncomingMessage(id: spareID, directory: spare, fd: fd, reusableEnvelope: id.description)
        spares.withLock { state in
            state.ready.append(message)
            state.recycled += 1
        }
        return true
    }

    /// Truncates a file to nothing and closes it at once (see Spares above: the close is what spends ext4's
    /// write-out of a truncated file while there is nothing to write).
    private static func empty(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
