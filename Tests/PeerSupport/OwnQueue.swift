import Dispatch
public import Testing

/// Runs each test of a suite on a dispatch queue of its own instead of Swift's cooperative pool.
///
/// End-to-end tests, and the suites that run OpenSMTPD, Python or Dovecot beside Tern's code, wait for
/// processes, ports and files by blocking. The cooperative pool is as wide as the machine has cores (two on CI),
/// so two such waits held every async suite of the run back for as long as they lasted, and those suites'
/// timeouts fired. Every suite that blocks carries this trait. A queue made with a label runs on dispatch's overcommitting threads,
/// which grow when one blocks.
public struct OwnQueue: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        await Self.slots.acquire()
        defer { Task { await Self.slots.release() } }
        let executor = QueueTaskExecutor(label: "tern.test.\(test.name)")
        try await withTaskExecutorPreference(executor) { try await function() }
    }

    /// How many such tests run at once. They start daemons, Python and swaks; unbounded, a few dozen of them
    /// at once on two cores starved one another and the unit suites of CPU until their timeouts fired.
    private static let slots = TestSlots(count: 4)

    /// Whether the caller runs on the queue of an `.ownQueue` test.
    public static var isCurrent: Bool { DispatchQueue.getSpecific(key: QueueTaskExecutor.marker) != nil }
}

extension Trait where Self == OwnQueue {
    /// Each test runs on a dispatch queue of its own, so that its blocking waits stall nothing else.
    public static var ownQueue: Self { OwnQueue() }
}

/// A task executor that runs every job on one serial dispatch queue.
final class QueueTaskExecutor: TaskExecutor {
    static let marker = DispatchSpecificKey<Bool>()
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
        queue.setSpecific(key: Self.marker, value: true)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// A counting semaphore that waits without blocking a thread.
actor TestSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        free = count
    }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
