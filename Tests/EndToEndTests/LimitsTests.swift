import Foundation
import PeerSupport
import Testing

/// The session cap: a client beyond it gets 421 and is logged once; the count of sessions stays right.
@Suite("Session limits", .ownQueue, .enabled(if: ExternalTool.available("python3")))
struct LimitsTests {
    @Test func sessionsBeyondTheCapGet421() throws {
        let (daemon, port) = try TernDaemon.maildirServer(extraArguments: ["--max-sessions", "1"])
        defer { daemon.finish() }
        // The readiness probe's own session must be over before the test fills the only slot.
        #expect(waitUntil { daemon.log.contains("smtp disconnected") })
        let script = """
            import socket, sys, time
            port = int(sys.argv[1])
            first = socket.create_connection(("127.0.0.1", port)); print(first.recv(200).decode().split()[0])
            second = socket.create_connection(("127.0.0.1", port)); print(second.recv(200).decode().strip())
            second.close(); first.sendall(b"QUIT\\r\\n"); print(first.recv(200).decode().split()[0]); first.close()
            """
        let result = try ProcessRunner.python(script, ["\(port)"])
        #expect(result.output == "220\n421 4.0.0 Too many connections, try later\n221\n", "\(result.output)\(result.error)")
        #expect(daemon.waitForLog("smtp disconnected reason=too-many-sessions"))
        #expect(waitUntil { (try? daemon.smtpctl(["show", "stats"]).output.contains("smtp.session=0\n")) == true })
        #expect(daemon.log.components(separatedBy: "reason=too-many-sessions").count == 2)
        #expect(try daemon.smtpctl(["show", "stats"]).output.contains("smtp.session.refused=1\n"))
    }

    /// Slowloris: a client that drips a command a byte at a time is cut off when the idle timeout runs out
    /// from its last complete line, like a silent one.
    @Test func slowAndSilentClientsAreCutOff() throws {
        let port = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: "listen on 127.0.0.1 port \(port)\nmatch from any reject\n",
            extraArguments: ["--idle-timeout", "2"], waitForPorts: [port])
        defer { daemon.finish() }
        let script = """
            import socket, sys, time, threading
            port = int(sys.argv[1])
            def client(drip):
                s = socket.create_connection(("127.0.0.1", port)); s.recv(200)
                s.sendall(b"EHLO client.example\\r\\n"); s.recv(1000)
                start = time.time(); reply = b""
                s.settimeout(0.4)
                while time.time() - start < 10:
                    if drip:
                        try: s.sendall(b"N")
                        except OSError: break
                    try:
                        chunk = s.recv(200)
                        if not chunk: break
                        reply += chunk
                    except socket.timeout:
                        pass
                    except ConnectionResetError:
                        # The 421 was sent, then the close; bytes still dripping in make the kernel reset.
                        reply = reply or b"reset"; break
                results.append("%s %d %s" % ("drip" if drip else "silent", round(time.time() - start), reply.decode().strip()))
            results = []
            threads = [threading.Thread(target=client, args=(d,)) for d in (True, False)]
            for t in threads: t.start()
            for t in threads: t.join()
            print("\\n".join(results))
            """
        let result = try ProcessRunner.python(script, ["\(port)"], timeout: 30)
        let lines = result.output.split(separator: "\n").map(String.init).sorted()
        #expect(lines.count == 2, "\(result.output)\(result.error)")
        for line in lines {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            #expect(words.count == 3 && (Int(words[1]) ?? 99) <= 4, "cut off after about 2 s: \(line)")
            #expect(words.last?.hasPrefix("421 4.4.2") == true || (words.first == "drip" && words.last == "reset"),
                "\(line)")
        }
        #expect(daemon.waitForLog("smtp disconnected reason=timeout"))
    }

    /// When delivery falls behind, new transactions wait before their MAIL FROM reply (Postfix's in_flow_delay):
    /// nothing below the backlog threshold, up to a second at twice the threshold.
    @Test func aGrowingBacklogSlowsNewTransactions() throws {
        let (daemon, port) = try TernDaemon.maildirServer(extraArguments: ["-P", "mda", "--queue-backlog", "2", "--max-inflow-delay", "1"])
        defer { daemon.finish() }
        let script = """
            import smtplib, sys, time
            s = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); s.ehlo("client.example")
            for i in range(5):
                start = time.time(); s.mail("a@origin.example"); waited = time.time() - start
                s.rcpt("joe@example.test"); s.data(b"Subject: %d\\r\\n\\r\\nx\\r\\n" % i)
                print("%.2f" % waited)
            s.quit()
            """
        let result = try ProcessRunner.python(script, ["\(port)"], timeout: 60)
        let waits = result.output.split(separator: "\n").compactMap { Double($0) }
        #expect(waits.count == 5, "\(result.output)\(result.error)")
        guard waits.count == 5 else { return }
        // Backlog before each MAIL FROM: 0, 1, 2 (no wait), 3 (half a second), 4 (a second).
        #expect(waits[0] < 0.3 && waits[1] < 0.3 && waits[2] < 0.3, "\(waits)")
        #expect(waits[3] >= 0.4 && waits[3] < 0.9, "\(waits)")
        #expect(waits[4] >= 0.9, "\(waits)")
    }
}
