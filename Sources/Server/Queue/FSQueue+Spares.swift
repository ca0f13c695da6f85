import Dispatch

/// Message directories made ahead of time, so that MAIL FROM takes one at once.
///
/// A fresh incoming/<msgid>/ costs a mkdir and a file creation, and on ext4 these are the slowest calls a
/// message makes before its commit (a new inode and a new directory block; 0.2–0.7 ms on the benchmark
/// disk), all in the time between MAIL FROM and its reply. A spare is the same directory with its empty body
/// file, made by a background thread while sessions are busy elsewhere. Spares are ordinary uncommitted
/// messages: start-up removes them from incoming/ with the rest, and nothing needs them to survive.
struct SpareMessages: Sendable {
    /// How many spares to keep ready; 0 turns them off (the default, for tools and tests that look into
    /// incoming/).
    let target: Int
    var ready: [IncomingMessage] = []
    /// Whether the maker is running; one at a time.
    var making = false
    /// Spares are made only after `loadAll` cleared incoming/.
    var loaded = false

    /// Whether the maker should start now (it then must run: `making` is set).
    mutating func startMaking() -> Bool {
        guard loaded, !making, ready.count < target else { return false }
        making = true
        return true
    }
}

extension FSQueue {
    /// A spare if one is ready; either way the maker is started when spares are missing.
    func takeSpare() -> IncomingMessage? {
        let (spare, start) = spares.withLock { state in
            let spare = state.ready.isEmpty ? nil : state.ready.removeFirst()
            return (spare, state.startMaking())
        }
        if start { spareQueue.async { self.makeSpares() } }
        return spare
    }

    /// Called once `loadAll` has cleared incoming/.
    func startSpares() {
        let start = spares.withLock { state in
            state.loaded = true
            return state.startMaking()
        }
        if start { spareQueue.async { self.makeSpares() } }
    }

    /// Makes spares until `target` are ready. A failure (a full disk) stops it until the next message
    /// starts it again; meanwhile `beginMessage` makes its own directory and reports the error.
    private func makeSpares() {
        while true {
            let spare = try? createIncoming()
            let more = spares.withLock { state in
                if let spare { state.ready.append(spare) }
                let more = spare != nil && state.ready.count < state.target
                if !more { state.making = false }
                return more
            }
            if !more { return }
        }
    }
}
