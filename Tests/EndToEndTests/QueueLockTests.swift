import Foundation
import PeerSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A queue serves one daemon at a time (Sources/Server/Queue/QueueLock.swift).
@Suite("smtpd refuses a queue another smtpd is using", .ownQueue)
struct QueueLockEndToEndTests {
    @Test func aSecondDaemonOnTheSameQueueStopsWithTheFirstOnesPidAndAFreedQueueStartsAgain() throws {
        let (daemon, port) = try TernDaemon.maildirServer()
        defer { daemon.finish() }
        let holder = daemon.process.processIdentifier
        let second = try ProcessRunner.run(TernBinaries.smtpd, [
            "-d", "-f", daemon.folder.appendingPathComponent("smtpd.conf").path, "--queue-dir", daemon.queueDirectory,
            "--socket", daemon.folder.appendingPathComponent("second.sock").path,
            "--control-socket", daemon.folder.appendingPathComponent("second-control.sock").path,
            "--no-reverse-dns",
        ] + (getuid() == 0 ? ["--user", "root"] : []), timeout: 20)
        #expect(second.status == 1, "\(second.output)\(second.error)")
        #expect(second.error.contains("\(daemon.queueDirectory) is in use by another smtpd (pid \(holder))"),
            "\(second.error)")
        // The first one was not disturbed.
        #expect(daemon.process.isRunning)
        #expect(TernDaemon.canConnect(host: "127.0.0.1", port: port))

        // A daemon killed outright leaves the lock file but not the lock: the next start takes the queue.
        kill(holder, SIGKILL)
        daemon.process.waitUntilExit()
        try daemon.launch(extraArguments: [], waitForPorts: [port])
        #expect(daemon.process.isRunning)
    }
}
