import Foundation
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// One daemon per queue (QueueLock.swift).
@Suite("Queue lock")
struct QueueLockTests {
    @Test func aSecondExclusiveQueueOnTheSameFolderIsRefusedAndNamesTheHolder() async throws {
        let dir = TemporaryQueueDirectory()
        let first = FSQueue(directory: dir.path, exclusive: true)
        _ = try await first.loadAll()
        #expect(dir.read("lock") == "\(getpid())\n")

        let second = FSQueue(directory: dir.path, exclusive: true)
        await #expect(throws: QueueError.inUse(directory: dir.path, holder: getpid())) {
            _ = try await second.loadAll()
        }
        #expect("\(QueueError.inUse(directory: dir.path, holder: 42))"
            == "queue: \(dir.path) is in use by another smtpd (pid 42); one queue serves one daemon at a time")

        // Tools and tests that open the queue beside the daemon take no lock.
        _ = try await FSQueue(directory: dir.path).loadAll()
    }

    @Test func theLockGoesWithItsHolderAndIsTakenAgain() async throws {
        let dir = TemporaryQueueDirectory()
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        do {
            let held = try QueueLock.acquire(directory: dir.path)
            withExtendedLifetime(held) {
                #expect(throws: QueueError.inUse(directory: dir.path, holder: getpid())) {
                    _ = try QueueLock.acquire(directory: dir.path)
                }
            }
        }
        // The file stays (a stale lock file is harmless: only a live descriptor holds the lock).
        #expect(dir.exists("lock"))
        // Other tests in this process start programs; a child between its fork and its exec still shares the
        // descriptor (O_CLOEXEC closes it only at the exec), so the lock can outlive the close by that moment.
        let deadline = ContinuousClock.now + .seconds(5)
        var taken: QueueLock?
        while taken == nil {
            do {
                taken = try QueueLock.acquire(directory: dir.path)
            } catch {
                guard case .inUse = error, ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}
