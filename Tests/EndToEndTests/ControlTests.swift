import Foundation
import PeerSupport
import Testing

/// smtpctl against a running daemon, through the control socket, and the sendmail personality through the
/// local socket.
@Suite("smtpctl and sendmail against a running smtpd", .ownQueue, .enabled(if: ExternalTool.available("swaks")))
struct ControlTests {
    static func configuration(port: Int, users: String = "users") -> String {
        """
        table users file:@DIR@/users
        listen on 127.0.0.1 port \(port) hostname "tern.example.test"
        action "local_maildir" maildir "@DIR@/mail/%{dest.user:lowercase}/Maildir" virtual <\(users)>
        match from any for domain "example.test" action "local_maildir"
        """
    }

    /// A daemon with local delivery paused, so that mail stays in the queue for smtpctl to see.
    static func start() throws -> (TernDaemon, Int) {
        let port = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: configuration(port: port),
            files: ["users": "joe@example.test \(NSUserName())\n"], extraArguments: ["-P", "mda"], waitForPorts: [port])
        return (daemon, port)
    }

    static func send(to recipient: String, port: Int) throws -> ProcessResult {
        try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks",
            ["--server", "127.0.0.1:\(port)", "--from", "a@origin.example", "--to", recipient])
    }

    @Test func showScheduleRemoveAndStatus() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        #expect(try daemon.smtpctl(["show", "status"]).output == "MDA paused\nMTA running\nSMTP running\n")
        // smtpctl -s PATH reaches the same daemon without the environment variable.
        let direct = try ProcessRunner.run(TernBinaries.smtpctl, ["-s", daemon.controlSocketPath, "show", "status"],
            environment: ["TERN_CONTROL_SOCKET": "/nonexistent"])
        #expect(direct.output == "MDA paused\nMTA running\nSMTP running\n", "\(direct.error)")
        #expect(try Self.send(to: "joe@example.test", port: port).status == 0)
        let queue = try daemon.smtpctl(["show", "queue"])
        let fields = queue.output.split(separator: "\n").first?.split(separator: "|", omittingEmptySubsequences: false) ?? []
        #expect(fields.count == 14, "\(queue.output)")
        #expect(fields.dropFirst(2).first == "mda")
        #expect(fields.dropFirst(4).prefix(3) == ["a@origin.example", "joe@example.test", "joe@example.test"])
        let evpid = String(fields.first ?? "")
        let envelope = try daemon.smtpctl(["show", "envelope", evpid])
        #expect(envelope.output.contains("evpid: \(evpid)\n") && envelope.output.contains("method: maildir\n"))
        let message = try daemon.smtpctl(["show", "message", String(evpid.prefix(8))])
        #expect(message.output.hasPrefix("Received: from "))
        #expect(try daemon.smtpctl(["schedule", "all"]).output == "1 envelope scheduled\n")
        let stats = try daemon.smtpctl(["show", "stats"]).output
        #expect(stats.contains("scheduler.envelope=1\n") && stats.contains("smtp.messages.accepted=1\n"), "\(stats)")
        #expect(stats.contains("queue.commit.message=1\n") && stats.contains("queue.spare.recycled=0\n"), "\(stats)")
        #expect(try daemon.smtpctl(["remove", String(evpid.prefix(8))]).output == "1 envelope removed\n")
        #expect(try daemon.smtpctl(["show", "queue"]).output.isEmpty)
        // The removed message's directory became a spare for the next one.
        #expect(try daemon.smtpctl(["show", "stats"]).output.contains("queue.spare.recycled=1\n"))
        #expect(QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.isEmpty)
    }

    @Test func pauseSMTPStopsAcceptingUntilResumed() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        #expect(try daemon.smtpctl(["pause", "smtp"]).output == "command succeeded\n")
        #expect(try daemon.smtpctl(["show", "status"]).output.contains("SMTP paused"))
        let waiting = try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks",
            ["--server", "127.0.0.1:\(port)", "--to", "joe@example.test", "--timeout", "2"], timeout: 20)
        #expect(waiting.status != 0, "a paused listener must not greet: \(waiting.output)")
        #expect(try daemon.smtpctl(["resume", "smtp"]).output == "command succeeded\n")
        #expect(try Self.send(to: "joe@example.test", port: port).status == 0)
    }

    @Test func updateTableAddsAnAccountWithoutRestart() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        #expect(try Self.send(to: "new@example.test", port: port).output.contains("524 5.2.4 Mailing list expansion problem"))
        try "joe@example.test \(NSUserName())\nnew@example.test \(NSUserName())\n"
            .write(toFile: daemon.folder.appendingPathComponent("users").path, atomically: true, encoding: .utf8)
        #expect(try daemon.smtpctl(["update", "table", "users"]).output == "command succeeded\n")
        #expect(try Self.send(to: "new@example.test", port: port).status == 0)
        #expect(daemon.log.contains("info: table users updated"))
        // A table that no longer reads keeps its old contents.
        try "joe@example.test \(NSUserName())\nlonely-key-without-value\n".write(toFile: daemon.folder.appendingPathComponent("users").path,
            atomically: true, encoding: .utf8)
        let failed = try daemon.smtpctl(["update", "table", "users"])
        #expect(failed.status == 1 && failed.output.hasPrefix("command failed: "), "\(failed.output)")
        #expect(failed.output.contains("users:2: line 2 has a key but no value"), "\(failed.output)")
        #expect(try Self.send(to: "new@example.test", port: port).status == 0)
        // So does a table whose file is gone, for `update table` and for a whole reload.
        try FileManager.default.removeItem(atPath: daemon.folder.appendingPathComponent("users").path)
        let missing = try daemon.smtpctl(["update", "table", "users"])
        #expect(missing.status == 1 && missing.output.hasPrefix("command failed: ") && missing.output.contains("/users"), "\(missing.output)")
        let reload = try daemon.smtpctl(["reload"])
        #expect(reload.output.contains("/users: fopen: No such file or directory"), "\(reload.output)")
        #expect(reload.status == 1 && reload.output.hasPrefix("command failed: "), "\(reload.output)")
        #expect(try Self.send(to: "new@example.test", port: port).status == 0)
    }

    @Test func reloadSwapsTheConfigurationOrKeepsItWhenBroken() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        let configPath = daemon.folder.appendingPathComponent("smtpd.conf").path
        // Broken: refused, and the daemon serves on as before.
        try "listen on 127.0.0.1 port \(port)\nmatch for any action nowhere\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let refused = try daemon.smtpctl(["reload"])
        #expect(refused.status == 1 && refused.output.contains("command failed: "), "\(refused.output)\(refused.error)\n\(daemon.log)")
        #expect(try Self.send(to: "joe@example.test", port: port).status == 0)
        // A second listener and another domain: both work after SIGHUP, and the first port never closed.
        let second = TernDaemon.freePort()
        let text = Self.configuration(port: port).replacingOccurrences(of: "@DIR@", with: daemon.folder.path)
            + "\nlisten on 127.0.0.1 port \(second)\nmatch from any for domain \"other.test\" action \"local_maildir\"\n"
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        try "joe@example.test \(NSUserName())\n@other.test \(NSUserName())\n"
            .write(toFile: daemon.folder.appendingPathComponent("users").path, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitForLog("info: configuration reloaded"))
        #expect(TernDaemon.waitUntilListening(port: second, while: { daemon.process.isRunning }))
        #expect(try Self.send(to: "anyone@other.test", port: second).status == 0)
    }

    @Test func sendmailPersonalityEnqueuesThroughTheLocalSocket() throws {
        let (daemon, _) = try Self.start()
        defer { daemon.finish() }
        let sendmail = daemon.folder.appendingPathComponent("sendmail").path
        try FileManager.default.createSymbolicLink(atPath: sendmail, withDestinationPath: TernBinaries.smtpctl)
        let environment = ["TERN_SOCKET": daemon.socketPath, "TERN_CONTROL_SOCKET": daemon.controlSocketPath]
        let result = try ProcessRunner.run(sendmail, ["-t", "-F", "Cron Daemon", "-f", "cron@example.test"],
            input: "To: Joe <joe@example.test>\nSubject: nightly\n\ndone\n.\nignored\n", environment: environment)
        #expect(result.status == 0, "\(result.error)")
        let queue = QueueInspection(queueDirectory: daemon.queueDirectory)
        let body = queue.messageIDs.first.map { queue.body($0) } ?? ""
        #expect(body.contains("\nFrom: Cron Daemon <cron@example.test>\n"), "\(body)")
        #expect(body.hasSuffix("\n\ndone\n"))
        #expect(queue.messageIDs.flatMap { queue.envelopes($0) }.map { $0["sender"] } == ["cron@example.test"])
        #expect(daemon.log.contains("smtp connected address=local "))
        // mailq lists it; an unknown recipient is sendmail's exit 67 (EX_NOUSER).
        let mailq = daemon.folder.appendingPathComponent("mailq").path
        try FileManager.default.createSymbolicLink(atPath: mailq, withDestinationPath: TernBinaries.smtpctl)
        #expect(try ProcessRunner.run(mailq, [], environment: environment).output.contains("|cron@example.test|joe@example.test|"))
        let unknown = try ProcessRunner.run(sendmail, ["nobody@elsewhere.test"], input: "Subject: x\n\n", environment: environment)
        #expect(unknown.status == 67)
        #expect(unknown.error.contains("550 Invalid recipient"))
    }

    @Test func smtpctlSaysWhenNoDaemonRuns() throws {
        let result = try ProcessRunner.run(TernBinaries.smtpctl, ["show", "queue"],
            environment: ["TERN_CONTROL_SOCKET": "/nonexistent/control.sock"])
        #expect(result.status == 1)
        #expect(result.error == "smtpctl: smtpd doesn't seem to be running\n")
    }
}
