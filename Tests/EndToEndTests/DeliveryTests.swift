import Foundation
import PeerSupport
import Testing

/// Mail that smtpd answered 250 to ends where the rules say, as the right user: maildir, mbox, an MDA; a
/// temporary failure is retried, a permanent one or an expired envelope bounces to the sender, and mail queued
/// before a restart is delivered after it.
@Suite("smtpd delivers", .ownQueue, .enabled(if: ExternalTool.available("swaks", "python3")))
struct DeliveryTests {
    /// Deliveries run as this user: `_vmail` (made by scripts/install-test-deps.sh) under root, else ourselves.
    static let mailUser = getuid() == 0 ? "_vmail" : NSUserName()

    /// example.test goes to an MDA script, mbox.test to mbox, and bounces.test (the senders) to a maildir.
    static func configuration(port: Int, ttl: String = "") -> String {
        """
        listen on 127.0.0.1 port \(port) hostname "tern.example.test"
        action "maildir" maildir "@DIR@/mail/%{dest.user:lowercase}/Maildir" virtual { "@bounces.test" = "\(mailUser)" }
        action "mbox" mbox virtual { "@mbox.test" = "\(mailUser)" }
        action "script" mda "/bin/sh @DIR@/mda.sh" virtual { "@example.test" = "\(mailUser)" } \(ttl)
        match from any for domain "bounces.test" action "maildir"
        match from any for domain "mbox.test" action "mbox"
        match from any for domain "example.test" action "script"
        """
    }

    /// The MDA decides by recipient: ok… delivers into mail/mda, temp… fails until mail/flag exists, perm… fails.
    static let script = """
        case "$RECIPIENT" in
        ok*) cat > "@DIR@/mail/mda.$$"; exit 0 ;;
        temp*) if [ -e "@DIR@/mail/flag" ]; then cat > "@DIR@/mail/mda.$$"; exit 0; fi
               echo "mailbox busy" >&2; exit 75 ;;
        perm*) echo "no such mailbox here" >&2; exit 67 ;;
        esac
        exit 1
        """

    static func start(ttl: String = "", extra: [String] = []) throws -> (TernDaemon, Int) {
        let port = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: configuration(port: port, ttl: ttl), files: ["mda.sh": script],
            extraArguments: extra, mailOwner: mailUser, waitForPorts: [port])
        chmod(daemon.folder.appendingPathComponent("mda.sh").path, 0o755)
        return (daemon, port)
    }

    static func send(_ recipients: String, port: Int, from sender: String = "sender@bounces.test",
        body: String = "Subject: delivery test\\n\\nFrom the start of a line\\n.dot") throws -> ProcessResult
    {
        try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
            "--server", "127.0.0.1:\(port)", "--from", sender, "--to", recipients, "--data", body.replacingOccurrences(of: "\\n", with: "\n"),
        ])
    }

    static func files(_ daemon: TernDaemon, in relative: String) -> [String] {
        let path = daemon.folder.appendingPathComponent(relative).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
    }

    @Test func maildirFileIsOwnedByTheUserAndParsesAsMail() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        #expect(try Self.send("carol@bounces.test", port: port).status == 0)
        #expect(daemon.waitForLog("result=Ok stat=Delivered"), "\(daemon.log)")
        let delivered = Self.files(daemon, in: "mail/carol/Maildir/new")
        #expect(delivered.count == 1)
        let name = URL(fileURLWithPath: delivered.first ?? "").lastPathComponent
        #expect(name.contains(",S="), "Dovecot reads the size from the name: \(name)")
        let attributes = try FileManager.default.attributesOfItem(atPath: delivered.first ?? "")
        #expect(attributes[.ownerAccountName] as? String == Self.mailUser)
        #expect((attributes[.posixPermissions] as? Int ?? 0) & 0o077 == 0)
        let parsed = try ProcessRunner.python("""
            import mailbox, sys
            box = mailbox.Maildir(sys.argv[1], create=False)
            for key in box.keys():
                m = box[key]
                print(m["Return-Path"], m["Delivered-To"], m["Subject"], repr(m.get_payload()))
            """, [daemon.folder.appendingPathComponent("mail/carol/Maildir").path])
        #expect(parsed.output == "<sender@bounces.test> carol@bounces.test delivery test 'From the start of a line\\n.dot\\n'\n",
            "\(parsed.output)\(parsed.error)")
        #expect(QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.isEmpty)
    }

    @Test(.enabled(if: getuid() == 0, "writes /var/mail/_vmail"))
    func mboxIsReadByPythonsMailbox() throws {
        let mboxPath = "/var/mail/\(Self.mailUser)"
        try? FileManager.default.removeItem(atPath: mboxPath)
        defer { try? FileManager.default.removeItem(atPath: mboxPath) }
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        #expect(try Self.send("dave@mbox.test", port: port).status == 0)
        #expect(try Self.send("erin@mbox.test", port: port, body: "Subject: second\\n\\nFrom here").status == 0)
        #expect(daemon.waitForLog("to=<erin@mbox.test> rcpt=<erin@mbox.test> user=\(Self.mailUser)"))
        #expect(daemon.waitForLog("to=<dave@mbox.test> rcpt=<dave@mbox.test> user=\(Self.mailUser)"))
        let parsed = try ProcessRunner.python("""
            import mailbox, sys
            for m in mailbox.mbox(sys.argv[1]):
                print(m.get_from().split()[0], m["Subject"], repr(m.get_payload()))
            """, [mboxPath])
        let lines = parsed.output.split(separator: "\n").sorted()
        #expect(lines == [
            // mbox quotes a body line starting "From " as ">From " (mboxo, as mail.local writes); readers keep it.
            "sender@bounces.test delivery test '>From the start of a line\\n.dot\\n'",
            "sender@bounces.test second '>From here\\n'",
        ], "\(parsed.output)\(parsed.error)")
    }

    @Test func mdaExitCodesDeliverRetryAndBounce() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        #expect(try Self.send("ok@example.test,temp@example.test,perm@example.test", port: port).status == 0)
        #expect(daemon.waitForLog("to=<ok@example.test>"))
        #expect(daemon.waitForLog("to=<perm@example.test> rcpt=<perm@example.test> user=\(Self.mailUser) delay="))
        #expect(daemon.waitForLog("result=TempFail"))
        #expect(daemon.log.contains("result=PermFail"))
        #expect(Self.files(daemon, in: "mail").filter { $0.contains("/mda.") }.count == 1)

        // The permanent failure comes back to the sender as an RFC 3464 report quoting the MDA's stderr.
        // The report is queued (logged), then delivered: wait for the file, not the log line.
        #expect(waitUntil(timeout: 20) { Self.files(daemon, in: "mail/sender/Maildir/new").count == 1 }, "\(daemon.log)")
        let bounces = Self.files(daemon, in: "mail/sender/Maildir/new")
        let report = try ProcessRunner.python("""
            import email, sys
            m = email.message_from_binary_file(open(sys.argv[1], "rb"))
            print(m.get_content_type(), m.get_param("report-type"), m["From"].startswith("Mailer Daemon <MAILER-DAEMON@"))
            status = [p for p in m.walk() if p.get_content_type() == "message/delivery-status"][0]
            fields = [str(f) for f in status.get_payload()]
            print("Final-Recipient: rfc822; perm@example.test" in "".join(fields).replace("rfc822;perm", "rfc822; perm"))
            print("no such mailbox here" in m.as_string())
            """, [bounces.first ?? ""])
        #expect(report.output == "multipart/report delivery-status True\nTrue\nTrue\n", "\(report.output)\(report.error)")

        // The temporary failure waits in the queue with its reason, and is delivered once the MDA can.
        let queue = try daemon.smtpctl(["show", "queue"]).output
        #expect(queue.contains("|temp@example.test|") && queue.contains("mailbox busy"), "\(queue)")
        FileManager.default.createFile(atPath: daemon.folder.appendingPathComponent("mail/flag").path, contents: nil)
        #expect(try daemon.smtpctl(["schedule", "all"]).output == "1 envelope scheduled\n")
        #expect(daemon.waitForLog("to=<temp@example.test> rcpt=<temp@example.test> user=\(Self.mailUser) delay=")
            && daemon.waitForLog("result=Ok stat=Delivered"))
        #expect(waitUntil { Self.files(daemon, in: "mail").filter { $0.contains("/mda.") }.count == 2 })
        #expect(waitUntil { QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.isEmpty })
    }

    @Test func expiredEnvelopeBouncesWithoutEndlessRetries() throws {
        let (daemon, port) = try Self.start(ttl: "ttl 3s")
        defer { daemon.finish() }
        #expect(try Self.send("temp@example.test", port: port).status == 0)
        #expect(daemon.waitForLog("result=TempFail"))
        #expect(waitUntil(timeout: 20) { Self.files(daemon, in: "mail/sender/Maildir/new").count == 1 }, "\(daemon.log)")
        let bounce = Self.files(daemon, in: "mail/sender/Maildir/new").first ?? ""
        let text = (try? String(contentsOfFile: bounce, encoding: .utf8)) ?? ""
        #expect(text.contains("Action: failed") && text.contains("Status: 4.4.7"), "\(text)")
        #expect(waitUntil { QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.isEmpty })
    }

    @Test func mailQueuedBeforeARestartIsDeliveredAfterIt() throws {
        let (daemon, port) = try Self.start(extra: ["-P", "mda"])
        defer { daemon.finish() }
        #expect(try Self.send("frank@bounces.test", port: port).status == 0)
        #expect(QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.count == 1)
        daemon.stop()
        try daemon.launch(extraArguments: [], waitForPorts: [port])
        #expect(daemon.waitForLog("1 envelopes in queue"))
        #expect(waitUntil { Self.files(daemon, in: "mail/frank/Maildir/new").count == 1 })
        #expect(waitUntil { QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.isEmpty })
    }
}

/// Polls `condition` for up to `timeout` seconds.
func waitUntil(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}
