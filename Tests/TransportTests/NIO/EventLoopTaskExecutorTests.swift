import Dispatch
import NIOCore
import NIOPosix
import Testing
@testable import Transport

/// Tasks that prefer an ``EventLoopTaskExecutor`` run on its loop, also after a suspension elsewhere.
@Suite("EventLoopTaskExecutor")
struct EventLoopTaskExecutorTests {
    @Test func aPreferringTaskRunsOnTheLoopBeforeAndAfterASuspension() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(eventLoop: loop)
        #expect(!loop.inEventLoop)
        let (before, after) = await Task(executorPreference: executor) {
            let before = loop.inEventLoop
            // A continuation resumed from another thread brings the task back to the loop.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume() }
            }
            return (before, loop.inEventLoop)
        }.value
        #expect(before)
        #expect(after)
    }

    @Test func tasksStartedFromTheLoopRunThereInTheOrderTheyWereStarted() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(eventLoop: loop)
        let tasks = try await loop.submit {
            // Started from the loop itself, as the handler starts them: each waits behind the running job.
            let seen = NIOLoopBoundBox([Int](), eventLoop: loop)
            let tasks = (0..<20).map { index in
                Task(executorPreference: executor) { seen.value.append(index) }  // traps off the loop
            }
            return (tasks, seen)
        }.get()
        for task in tasks.0 { await task.value }
        let seen = try await loop.submit { tasks.1.value }.get()
        #expect(seen == Array(0..<20))
    }
}
