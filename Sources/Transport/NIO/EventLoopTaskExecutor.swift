public import NIOCore

/// Runs Swift tasks on one NIO event loop, for a task started with it as its executor preference.
///
/// A session's policy calls are short and mostly compute (rules, table lookups in memory, bookkeeping); run on
/// Swift's global pool, each one cost two thread switches, loop to pool and back, which at one session was a
/// large part of a message's cycle. With this preference they run on the loop that serves the connection, and
/// a call that really blocks (a queue fsync, crypt, getpwnam) still leaves the loop on its own thread and comes
/// back here when it resumes.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
