import Foundation
import PeerSupport
import Testing

/// The real `smtpd` binary takes mail from real clients on loopback and queues it durably before its 250.
@Suite("smtpd receives mail", .ownQueue, .enabled(if: ExternalTool.available("python3", "swaks")))
struct ReceiveTests {
    static let configuration = """
        table domains { "example.test" }
        table users { "@example.test" = "\(NSUserName())" }
        listen on 127.0.0.1 port @PORT@ hostname "tern.example.test"
        action "local_maildir" maildir "@DIR@/mail/%{dest.user:lowercase}/Maildir" virtual <users>
        match from any for domain <domains> action "local_maildir"
        smtp max-message-size 10K
        """

    static func start() throws -> (TernDaemon, Int) {
        let port = TernDaemon.freePort()
        // Local delivery paused: the tests look at the queue as the 250 left it.
        let daemon = try TernDaemon(configuration: configuration.replacingOccurrences(of: "@PORT@", with: "\(port)"),
            extraArguments: ["-P", "mda"], waitForPorts: [port])
        return (daemon, port)
    }

    static let smtplibScript = """
        import smtplib, sys, json
        port = int(sys.argv[1]); rcpts = sys.argv[2].split(",")
        s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.example")
        code, text = s.ehlo()
        result = {"ehlo": text.decode()}
        s.mail("sender@origin.example")
        result["rcpt"] = [list((lambda r: (r[0], r[1].decode()))(s.rcpt(r))) for r in rcpts]
        code, text = s.data(b"Subject: e2e\\r\\nFrom: sender@origin.example\\r\\n\\r\\nline one\\r\\n.leading dot\\r\\n")
        result["data"] = [code, text.decode()]
        s.quit()
        print(json.dumps(result))
        """

    @Test func smtplibMessageIsQueuedWithItsEnvelopesBeforeThe250() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        let result = try ProcessRunner.python(Self.smtplibScript, ["\(port)", "joe@example.test,Ann+News@example.test"])
        #expect(result.status == 0, "\(result.error)")
        let reply = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let ehlo = reply?["ehlo"] as? String ?? ""
        #expect(ehlo.hasPrefix("tern.example.test Hello client.example [127.0.0.1]"))
        for extensionName in ["PIPELINING", "SMTPUTF8", "CHUNKING", "8BITMIME", "ENHANCEDSTATUSCODES", "SIZE 10240"] {
            #expect(ehlo.contains(extensionName), "EHLO lacks \(extensionName)")
        }
        let data = reply?["data"] as? [Any]
        #expect(data?.first as? Int == 250)
        let text = data?.last as? String ?? ""
        // "2.0.0 ID Message accepted for delivery"
        let words = text.split(separator: " ")
        let messageID = words.count > 1 ? String(words[1]) : ""
        #expect(words.first == "2.0.0")
        #expect(text.hasSuffix("Message accepted for delivery"))

        // The 250 came after the commit: the message is already in queue/ with one envelope per recipient.
        let queue = QueueInspection(queueDirectory: daemon.queueDirectory)
        #expect(queue.messageIDs == [messageID])
        let body = queue.body(messageID)
        #expect(body.hasPrefix("Received: from client.example (<unknown> [127.0.0.1])\n\tby tern.example.test (Tern) with ESMTP id \(messageID);"))
        #expect(body.hasSuffix("Subject: e2e\nFrom: sender@origin.example\n\nline one\n.leading dot\n"))
        let envelopes = queue.envelopes(messageID)
        #expect(Set(envelopes.compactMap { $0["rcpt"] }) == ["joe@example.test", "Ann+News@example.test"])
        #expect(Set(envelopes.compactMap { $0["target"] }) == [
            "\(daemon.folder.path)/mail/joe/Maildir", "\(daemon.folder.path)/mail/ann+news/Maildir",
        ])
        #expect(envelopes.allSatisfy { $0["method"] == "maildir" && $0["sender"] == "sender@origin.example" })
        #expect(daemon.waitForLog("smtp message msgid=\(messageID) "))
        #expect(daemon.log.contains(" smtp connected address=127.0.0.1 host=<unknown>"))
        #expect(daemon.waitForLog("smtp disconnected reason=quit"))
    }

    /// The banner goes out while the reverse lookup runs; the name still reaches the log line and the Received
    /// header, since no command is answered before the lookup ends.
    @Test func theClientsReverseNameReachesTheLogAndTheReceivedHeader() throws {
        let port = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: Self.configuration.replacingOccurrences(of: "@PORT@", with: "\(port)"),
            extraArguments: ["-P", "mda"], reverseDNS: true, waitForPorts: [port])
        defer { daemon.finish() }
        // Python's own lookup, forward-confirmed as OpenSMTPD and Tern do.
        let lookup = try ProcessRunner.python("""
            import socket
            try:
                name = socket.gethostbyaddr("127.0.0.1")[0]
                print(name if "127.0.0.1" in socket.gethostbyname_ex(name)[2] else "<unknown>")
            except OSError:
                print("<unknown>")
            """)
        let name = lookup.output.trimmingCharacters(in: .whitespacesAndNewlines)
        // 127.0.0.1 has a name in /etc/hosts on every Debian machine; without one this test would prove nothing.
        try #require(!name.isEmpty && name != "<unknown>", "no forward-confirmed name for 127.0.0.1 in /etc/hosts")
        let result = try ProcessRunner.python(Self.smtplibScript, ["\(port)", "joe@example.test"])
        #expect(result.status == 0, "\(result.error)")
        let reply = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let text = (reply?["data"] as? [Any])?.last as? String ?? ""
        let messageID = text.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let body = QueueInspection(queueDirectory: daemon.queueDirectory).body(messageID)
        #expect(body.hasPrefix("Received: from client.example (\(name) [127.0.0.1])"), "\(body.prefix(120))")
        #expect(daemon.waitForLog("smtp message msgid=\(messageID) "))
        #expect(daemon.log.contains(" smtp connected address=127.0.0.1 host=\(name)\n"))
    }

    @Test func unknownDomainIsRefusedAndLoggedAsOpenSMTPDDoes() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        let result = try ProcessRunner.python(Self.smtplibScript, ["\(port)", "joe@example.test,who@elsewhere.test"])
        #expect(result.output.contains("[550, \"Invalid recipient: <who@elsewhere.test>\"]"), "\(result.output)")
        #expect(daemon.waitForLog(
            "smtp failed-command command=\"rcpt TO:<who@elsewhere.test>\" result=\"550 Invalid recipient: <who@elsewhere.test>\""))
        let queue = QueueInspection(queueDirectory: daemon.queueDirectory)
        #expect(queue.messageIDs.count == 1)
        #expect(queue.messageIDs.flatMap { queue.envelopes($0) }.count == 1)
    }

    @Test func swaksPipelinedTransactionIsAccepted() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        let result = try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
            "--server", "127.0.0.1:\(port)", "--pipeline", "--from", "a@origin.example",
            "--to", "joe@example.test,bob@example.test", "--helo", "client.example",
        ])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("<** 250 2.1.5 Destination address valid: Recipient ok") == false)
        #expect(result.output.contains("Message accepted for delivery"))
        let queue = QueueInspection(queueDirectory: daemon.queueDirectory)
        #expect(queue.messageIDs.count == 1)
        #expect(queue.messageIDs.flatMap { queue.envelopes($0) }.count == 2)
    }

    @Test func messageOverTheSizeLimitGets552AndNothingIsQueued() throws {
        let (daemon, port) = try Self.start()
        defer { daemon.finish() }
        let body = String(repeating: "0123456789abcdef\n", count: 1000)
        let result = try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
            "--server", "127.0.0.1:\(port)", "--from", "a@origin.example", "--to", "joe@example.test",
            "--body", body,
        ])
        #expect(result.status != 0)
        #expect(result.output.contains("<** 552"), "\(result.output)")
        #expect(QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.isEmpty)
        // incoming/ keeps only spares: an empty body, and in a recycled one an emptied envelope file.
        let incoming = daemon.queueDirectory + "/incoming"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: incoming)) ?? [] {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: incoming + "/" + name)) ?? []
            let sizes = files.map { file in
                (try? FileManager.default.attributesOfItem(atPath: incoming + "/" + name + "/" + file))?[.size] as? Int
            }
            #expect(files.contains("message") && files.count <= 2 && sizes.allSatisfy { $0 == 0 },
                "incoming/\(name) holds \(files) of \(sizes) bytes")
        }
    }

    @Test func localSocketSessionsAreFromLocal() throws {
        let (daemon, _) = try Self.start()
        defer { daemon.finish() }
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
            def cmd(line):
                if line is not None: f.write(line.encode() + b"\\r\\n"); f.flush()
                reply = b""
                while True:
                    l = f.readline(); reply += l
                    if l[3:4] != b"-": return reply.decode()
            out = [cmd(None), cmd("EHLO localhost"), cmd("MAIL FROM:<root@localhost>"),
                   cmd("RCPT TO:<joe@example.test>"), cmd("DATA"), cmd("Subject: local\\r\\n\\r\\nhi\\r\\n."), cmd("QUIT")]
            print("".join(out))
            """
        let result = try ProcessRunner.python(script, [daemon.socketPath])
        #expect(result.output.contains("Message accepted for delivery"), "\(result.output)\(result.error)")
        #expect(daemon.waitForLog("smtp connected address=local host="))
        let queue = QueueInspection(queueDirectory: daemon.queueDirectory)
        let body = queue.messageIDs.first.map { queue.body($0) } ?? ""
        // Local submissions get the Date and Message-ID they lack.
        #expect(body.contains("\nDate: ") && body.lowercased().contains("\nmessage-id: <"), "\(body)")
    }
}
