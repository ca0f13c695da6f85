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
}
