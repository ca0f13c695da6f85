import Foundation
import PeerSupport
import Testing

/// `srs key` and `relay srs` through the real daemon: a forwarded message leaves with an SRS0 sender, a bounce to
/// that address comes back to the original sender, and a forged or expired SRS address is refused. The SRS
/// addresses are checked and made by a Python transcription of OpenSMTPD's srs.c, not by Tern's code.
@Suite("smtpd rewrites forwarded senders with SRS", .ownQueue, .serialized,
    .enabled(if: RelayPeers.available || RelayPeers.isRequired))
struct SRSTests {
    static let key = "e2e-secret"

    /// `encode(key, sender, forwarder, unix_time)` and `h(key, text)` as srs.c computes them.
    static let reference = """
        import base64, hashlib, sys, time
        B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        def h(key, text):
            d = hashlib.sha1(key.encode() + text.encode()).digest()
            return base64.b64encode(d).decode().replace('/', '_').replace('+', '-')[:4]
        def encode(key, sender, forwarder, now):
            t = (int(now) // 86400) % 1024
            user, domain = sender.rsplit('@', 1)
            tmp = "%s%s=%s=%s@%s" % (B32[(t >> 5) & 31], B32[t & 31], domain, user, forwarder)
            return "SRS0=%s=%s" % (h(key, tmp), tmp)

        """

    /// sender.example's MX is 127.0.0.6, elsewhere.example's 127.0.0.7, both on the sinks' port.
    static func dns() throws -> TestDNS {
        try TestDNS([
            "--mx-host=sender.example,mx.sender.example,10", "--host-record=mx.sender.example,127.0.0.6",
            "--mx-host=elsewhere.example,mx.elsewhere.example,10", "--host-record=mx.elsewhere.example,127.0.0.7",
        ])
    }

    /// fwd.example forwards friend@ to friend@elsewhere.example; forwarded mail leaves through `relay srs`.
    static func daemon(port: Int, dnsPort: Int, mxPort: Int) throws -> TernDaemon {
        try TernDaemon(configuration: """
            srs key "\(key)"
            listen on 127.0.0.1 port \(port)
            table virt { "friend@fwd.example" = "friend@elsewhere.example" }
            action "forward" relay srs
            action "local" maildir "@DIR@/mail/%{dest.user}/Maildir" virtual <virt>
            match from any for domain "fwd.example" action "local"
            match from local for any action "forward"
            """,
            extraArguments: ["--mx-port", String(mxPort)], environment: ["TERN_DNS_SERVER": "127.0.0.1:\(dnsPort)"],
            waitForPorts: [port])
    }

    /// Sends one message; prints MAIL's and RCPT's reply codes and RCPT's text.
    static func send(port: Int, from sender: String, to recipient: String) throws -> String {
        let script = """
            import smtplib, sys
            s = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); s.ehlo("client.example")
            code, _ = s.mail(sys.argv[2])
            rcode, rtext = s.rcpt(sys.argv[3])
            print(code, rcode, rtext.decode())
            if rcode == 250:
                s.data(b"Subject: forwarded\\r\\n\\r\\nhello\\r\\n")
            s.quit()
            """
        let result = try ProcessRunner.python(script, [String(port), sender, recipient])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines) + result.error
    }

    @Test func aForwardedMessageAndItsBounceRoundTrip() throws {
        let dns = try Self.dns()
        defer { dns.stop() }
        let forwardee = try TestSink(.init(host: "127.0.0.7"))
        defer { forwardee.stop() }
        let original = try TestSink(.init(host: "127.0.0.6", port: forwardee.port))
        defer { original.stop() }
        let port = TernDaemon.freePort()
        let daemon = try Self.daemon(port: port, dnsPort: dns.port, mxPort: forwardee.port)
        defer { daemon.finish() }

        #expect(try Self.send(port: port, from: "alice@sender.example", to: "friend@fwd.example") == "250 250 2.1.5 Destination address valid: Recipient ok")
        #expect(waitUntil(timeout: 30) { (try? forwardee.messages().count) == 1 }, "\(daemon.log)")
        let forwarded = try #require(try forwardee.messages().first)
        #expect(forwarded.rcpt_tos == ["friend@elsewhere.example"])
        let srsSender = forwarded.mail_from
        // The address OpenSMTPD would have written today (or yesterday, should the day have just turned).
        let check = try ProcessRunner.python(Self.reference + """
            now = time.time()
            print(sys.argv[1] in [encode(sys.argv[2], "alice@sender.example", "fwd.example", now - d) for d in (0, 86400)])
            """, [srsSender, Self.key])
        #expect(check.output == "True\n", "\(srsSender) \(check.output)\(check.error)")
        // The mta's log line names the sender as sent, as OpenSMTPD's does.
        #expect(daemon.waitForLog("from=<\(srsSender)> to=<friend@elsewhere.example> rcpt=<friend@fwd.example>"),
            "\(daemon.log)")

        // The bounce comes back to the forwarder and goes on to alice's MX, still from <>.
        #expect(try Self.send(port: port, from: "", to: srsSender) == "250 250 2.1.5 Destination address valid: Recipient ok")
        #expect(waitUntil(timeout: 30) { (try? original.messages().count) == 1 }, "\(daemon.log)")
        let bounce = try #require(try original.messages().first)
        #expect(bounce.mail_from == "<>", "aiosmtpd writes the null sender as <>")
        #expect(bounce.rcpt_tos == ["alice@sender.example"])
        #expect(bounce.data.contains("Subject: forwarded"))
        #expect(try forwardee.messages().count == 1)
    }

    @Test func forgedExpiredOrNonBounceSRSAddressesAreRefused() throws {
        let dns = try Self.dns()
        defer { dns.stop() }
        let sink = try TestSink(.init(host: "127.0.0.6"))
        defer { sink.stop() }
        let port = TernDaemon.freePort()
        let daemon = try Self.daemon(port: port, dnsPort: dns.port, mxPort: sink.port)
        defer { daemon.finish() }
        let made = try ProcessRunner.python(Self.reference + """
            now = time.time()
            print(encode(sys.argv[1], "alice@sender.example", "fwd.example", now))
            print(encode(sys.argv[1], "alice@sender.example", "fwd.example", now - 10 * 86400))
            print(encode("another-key", "alice@sender.example", "fwd.example", now))
            """, [Self.key])
        let lines = made.output.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(made.output)\(made.error)")
        let (valid, expired, forged) = (lines[0], lines[1], lines[2])

        // Not decoded, so routed as written: fwd.example has no virtual entry for it.
        for address in [expired, forged] {
            #expect(try Self.send(port: port, from: "", to: address)
                == "250 524 5.2.4 Mailing list expansion problem: <\(address)>")
            #expect(daemon.waitForLog("SRS failed to decode: \(address)"), "\(daemon.log)")
        }
        // Only bounces are decoded.
        #expect(try Self.send(port: port, from: "mallory@evil.example", to: valid)
            == "250 524 5.2.4 Mailing list expansion problem: <\(valid)>")
        #expect(try sink.messages().isEmpty)
    }
}
