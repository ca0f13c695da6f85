import Dispatch

/// fsyncs of one directory asked for by many tasks at once, shared: a request waits for the first fsync that
/// starts after it was made, so whatever the caller changed in the directory before asking is durable when it
/// returns, and requests that arrive during one fsync are all served by the next. Used for queue/ after
/// removals, which come in bursts when deliveries do.
final class SharedDirectorySync: Sendable {
    let path: String
    private let fileSystem: QueueFileSystem
    private let queue: DispatchQueue
    private let state = Locked(State())

    private struct State {
        var waiting: [CheckedContinuation<Void, any Error>] = []
        var running = false
        var syncs = 0
    }

    init(path: String, fileSystem: QueueFileSystem, label: String) {
        self.path = path
        self.fileSystem = fileSystem
        self.queue = DispatchQueue(label: label)
    }

    /// How many fsyncs ran, for tests.
    var syncCount: Int { state.withLock { $0.syncs } }

    func sync() async throws {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append(continuation)
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if start { queue.async { self.runSyncs() } }
        }
    }

    private func runSyncs() {
        while true {
            let waiting = state.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.running = false } else { state.syncs += 1 }
                return state.waiting
            }
            if waiting.isEmpty { return }
            let result = Result { () throws(QueueError) in try fileSystem.fsyncDirectory(path) }
            for continuation in waiting { continuation.resume(with: result.mapError { $0 as any Error }) }
        }
    }
}
