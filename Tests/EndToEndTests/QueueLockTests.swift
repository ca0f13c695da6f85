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
        // Another configuration (another port) on the same queue, the mistake this guards against: without the
        // lock this daemon would start, and its start-up alone would clear the first one's incoming/.
        let secondConfig = daemon.folder.appendingPathComponent("second.conf").path
        let configuration = try String(contentsOf: daemon.folder.appendingPathComponent("smtpd.conf"), encoding: .utf8)
        try configuration.replacingOccurrences(of: "port \(port)", with: "port \(TernDaemon.freePort())")
            .write(toFile: secondConfig, atomically: true, encoding: .utf8)
        let second = try ProcessRunner.run(TernBinaries.smtpd, [
            "-d", "-f", secondConfig, "--queue-dir", daemon.queueDirectory,
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
