import Foundation
import PeerSupport
import Testing

/// `listen on … proxy-v2`: the client named in the PROXY v2 header is the one the rules see. This gives a
/// non-local source on loopback, the way a load balancer would: such a client may deliver to local domains but not
/// relay, while a header naming 127.0.0.1 is `from local`.
@Suite("PROXY v2 listeners", .ownQueue, .enabled(if: ExternalTool.available("python3")))
struct ProxyProtocolTests {
    @Test func theProxiedClientDecidesRelayAndAPlainClientIsRefused() throws {
        let port = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: """
            listen on 127.0.0.1 port \(port) proxy-v2
            action "local" maildir "@DIR@/mail" virtual { "@example.test" = "\(NSUserName())" }
            action "out" relay
            match from any for domain "example.test" action "local"
            match from local for any action "out"
            """, extraArguments: ["-P", "mda", "-P", "mta", "--idle-timeout", "2"], waitForPorts: [port])
        defer { daemon.finish() }
        let script = """
            import socket, struct, sys
            port = int(sys.argv[1])
            def session(source, proxied=True):
                s = socket.create_connection(("127.0.0.1", port))
                if proxied:
                    sig = b"\\r\\n\\r\\n\\x00\\r\\nQUIT\\n"
                    s.sendall(sig + bytes([0x21, 0x11]) + struct.pack("!H", 12) + socket.inet_aton(source)
                              + socket.inet_aton("127.0.0.1") + struct.pack("!HH", 40000, port))
                f = s.makefile("rwb")
                def cmd(line):
                    if line: f.write(line.encode() + b"\\r\\n"); f.flush()
                    reply = b""
                    while True:
                        l = f.readline()
                        if not l: return reply.decode() or "closed"
                        reply += l
                        if l[3:4] != b"-": return reply.decode()
                out = [cmd(None).split()[0]]
                if out[0] != "closed":
                    cmd("EHLO client.example"); cmd("MAIL FROM:<a@b.example>")
                    out += [cmd("RCPT TO:<x@outside.example>").split()[0], cmd("RCPT TO:<joe@example.test>").split()[0]]
                    cmd("QUIT")
                print(source, " ".join(out))
            session("198.51.100.7")
            session("127.0.0.1")
            session("plain", proxied=False)  # no header: the listener waits for one, then closes
            """
        let result = try ProcessRunner.python(script, ["\(port)"])
        #expect(result.output == "198.51.100.7 220 550 250\n127.0.0.1 220 250 250\nplain closed\n",
            "\(result.output)\(result.error)")
        #expect(daemon.waitForLog("smtp connected address=198.51.100.7 "))
    }
}
