import Foundation
import PeerSupport
import Testing

/// The smtpctl commands not covered elsewhere, each against a running daemon, and a reload under load.
@Suite("smtpctl commands against a running smtpd", .ownQueue, .enabled(if: ExternalTool.available("swaks", "python3")))
struct ControlCommandsTests {
    @Test func pauseAndResumeDeliveryLogLevelsTraceAndMonitor() throws {
        let (daemon, port) = try TernDaemon.maildirServer(extraArguments: ["-P", "mda"])
        defer { daemon.finish() }
        // Started with -P mda: mail waits; resume delivers it, pause holds the next one again.
        #expect(try daemon.smtpctl(["resume", "mda"]).output == "command succeeded\n")
        #expect(try ControlTests.send(to: "joe@example.test", port: port).status == 0)
        #expect(daemon.waitForLog("result=Ok stat=Delivered"))
        #expect(try daemon.smtpctl(["pause", "mda"]).output == "command succeeded\n")
        #expect(try daemon.smtpctl(["pause", "mta"]).output == "command succeeded\n")
        #expect(try daemon.smtpctl(["show", "status"]).output == "MDA paused\nMTA paused\nSMTP running\n")
        #expect(try ControlTests.send(to: "joe@example.test", port: port).status == 0)
        usleep(500_000)
        #expect(daemon.log.components(separatedBy: "stat=Delivered").count == 2, "paused: nothing more delivered")
        #expect(try daemon.smtpctl(["resume", "mta"]).output == "command succeeded\n")
        #expect(try daemon.smtpctl(["resume", "mda"]).output == "command succeeded\n")
        #expect(waitUntil { daemon.log.components(separatedBy: "stat=Delivered").count == 3 })

        // log verbose shows debug lines (the session's refused-recipient reason); brief hides them again.
        #expect(try daemon.smtpctl(["log", "verbose"]).output == "command succeeded\n")
        _ = try ControlTests.send(to: "nobody@elsewhere.test", port: port)
        #expect(daemon.waitForLog("smtp rcpt refused: no rule matched"))
        #expect(try daemon.smtpctl(["log", "brief"]).output == "command succeeded\n")
        let before = daemon.log.components(separatedBy: "smtp rcpt refused").count
        _ = try ControlTests.send(to: "nobody@elsewhere.test", port: port)
        #expect(daemon.waitForLog("result=\"550 Invalid recipient: <nobody@elsewhere.test>\""))
        usleep(300_000)
        #expect(daemon.log.components(separatedBy: "smtp rcpt refused").count == before)
        #expect(try daemon.smtpctl(["trace", "smtp"]).output == "command succeeded\n")
        #expect(try daemon.smtpctl(["untrace", "smtp"]).output == "command succeeded\n")

        // monitor streams a header and a line of counters a second until smtpctl goes away (3.5 s leaves a loaded
        // machine a second to start smtpctl and still see two lines).
        let monitor = try ProcessRunner.run(TernBinaries.smtpctl, ["monitor"],
            environment: ["TERN_CONTROL_SOCKET": daemon.controlSocketPath], timeout: 3.5)
        let lines = monitor.output.split(separator: "\n")
        #expect(lines.count >= 3, "\(monitor.output)")
        #expect(lines.first?.contains("sess") == true && lines.first?.contains("bounce") == true)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: " ").allSatisfy { Int($0) != nil } })
    }

    /// Messages keep flowing while the configuration is reloaded again and again: every 250 is delivered.
    @Test func reloadUnderLoadLosesNothing() throws {
        let port = TernDaemon.freePort()
        let configuration = """
            listen on 127.0.0.1 port \(port)
            action "local" maildir "@DIR@/mail/%{dest.user}/Maildir" virtual { "@example.test" = "\(DeliveryTests.mailUser)" }
            match from any for domain "example.test" action "local"
            """
        let daemon = try TernDaemon(configuration: configuration, mailOwner: DeliveryTests.mailUser, waitForPorts: [port])
        defer { daemon.finish() }
        let script = """
            import smtplib, sys, threading
            port, count = int(sys.argv[1]), int(sys.argv[2])
            ok, lock = [], threading.Lock()
            def sender(n):
                s = smtplib.SMTP("127.0.0.1", port)
                for i in range(count):
                    subject = "load-%d-%d" % (n, i)
                    try:
                        s.sendmail("a@origin.example", ["rcpt%d@example.test" % n], "Subject: %s\\r\\n\\r\\nbody\\r\\n" % subject)
                        with lock: ok.append(subject)
                    except smtplib.SMTPException as e:
                        print("refused", subject, e, file=sys.stderr)
                s.quit()
            threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
            for t in threads: t.start()
            for t in threads: t.join()
            print("\\n".join(sorted(ok)))
            """
        let acknowledgedPath = daemon.folder.appendingPathComponent("acknowledged").path
        let senders = Thread {
            let result = try? ProcessRunner.python(script, ["\(port)", "50"], timeout: 120)
            try? (result?.output ?? "").write(toFile: acknowledgedPath, atomically: true, encoding: .utf8)
        }
        senders.start()
        // Reload while they send: by signal and through smtpctl, alternately.
        for round in 0..<10 {
            if round % 2 == 0 {
                kill(daemon.process.processIdentifier, SIGHUP)
            } else {
                _ = try daemon.smtpctl(["reload"])
            }
            usleep(150_000)
        }
        #expect(waitUntil(timeout: 120) { FileManager.default.fileExists(atPath: acknowledgedPath) })
        let acknowledged = Set(try String(contentsOfFile: acknowledgedPath, encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(acknowledged.count == 200, "every message got its 250 across the reloads")
        #expect(daemon.log.components(separatedBy: "info: configuration reloaded").count > 5)
        // Every acknowledged message is delivered, once.
        var delivered: [String] = []
        #expect(waitUntil(timeout: 60) {
            delivered = (0..<4).flatMap { n -> [String] in
                let folder = daemon.folder.appendingPathComponent("mail/rcpt\(n)/Maildir/new").path
                return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name in
                    let text = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
                    return text.split(separator: "\n").first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)) }
                }
            }
            return delivered.count >= acknowledged.count
        })
        #expect(Set(delivered) == acknowledged)
        #expect(delivered.count == acknowledged.count, "no duplicates")
    }
}
