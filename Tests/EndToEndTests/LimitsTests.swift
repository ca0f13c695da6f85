import Foundation
import Testing

/// The session cap: a client beyond it gets 421 and is logged once; the count of sessions stays right.
@Suite("Session limits", .enabled(if: ExternalTool.available("python3")))
struct LimitsTests {
    @Test func sessionsBeyondTheCapGet421() throws {
        let port = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: """
            listen on 127.0.0.1 port \(port)
            action "local" maildir "@DIR@/mail" virtual { "@example.test" = "\(NSUserName())" }
            match from any for domain "example.test" action "local"
            """, extraArguments: ["--max-sessions", "1"], waitForPorts: [port])
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
                print(("drip" if drip else "silent"), round(time.time() - start), reply.decode().strip())
            threads = [threading.Thread(target=client, args=(d,)) for d in (True, False)]
            for t in threads: t.start()
            for t in threads: t.join()
            """
        let result = try ProcessRunner.python(script, ["\(port)"], timeout: 30)
        let lines = result.output.split(separator: "\n").map(String.init).sorted()
        #expect(lines.count == 2, "\(result.output)\(result.error)")
        for line in lines {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            #expect(words.count == 3 && (Int(words[1]) ?? 99) <= 4, "cut off after about 2 s: \(line)")
            #expect(words.last?.hasPrefix("421 4.4.2") == true, "\(line)")
        }
        #expect(daemon.waitForLog("smtp disconnected reason=timeout"))
    }
}
