import Foundation
import PeerSupport
import Testing

/// Implicit TLS (smtps) and STARTTLS with RSA and ECDSA keys, through swaks and Python's ssl module (OpenSSL 3:
/// the combination under which Debian's OpenSMTPD 6.8 fails its handshakes).
@Suite("TLS listeners", .ownQueue, .enabled(if: ExternalTool.available("swaks", "python3", "openssl")))
struct TLSListenerTests {
    static func start(ecdsa: Bool) throws -> (TernDaemon, smtps: Int, starttls: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try TestCertificate.make(commonName: "mx.example.test", in: folder, ecdsa: ecdsa)
        let smtps = TernDaemon.freePort()
        let starttls = TernDaemon.freePort()
        let daemon = try TernDaemon(configuration: """
            pki mx.example.test cert "@DIR@/mx.crt"
            pki mx.example.test key "@DIR@/mx.key"
            listen on 127.0.0.1 port \(smtps) smtps pki mx.example.test hostname mx.example.test
            listen on 127.0.0.1 port \(starttls) tls-require pki mx.example.test hostname mx.example.test
            action "local" maildir "@DIR@/mail" virtual { "@example.test" = "\(NSUserName())" }
            match from any for domain "example.test" action "local"
            """, files: ["mx.crt": certificate, "mx.key": key], extraArguments: ["-P", "mda"],
            waitForPorts: [smtps, starttls])
        chmod(daemon.folder.appendingPathComponent("mx.key").path, 0o600)
        return (daemon, smtps, starttls)
    }

    @Test(arguments: [false, true])
    func swaksOverSMTPSAndSTARTTLS(ecdsa: Bool) throws {
        let (daemon, smtps, starttls) = try Self.start(ecdsa: ecdsa)
        defer { daemon.finish() }
        for (port, flag) in [(smtps, "--tlsc"), (starttls, "--tls")] {
            let result = try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
                "--server", "127.0.0.1:\(port)", flag, "--from", "a@origin.example", "--to", "joe@example.test",
            ])
            #expect(result.status == 0, "\(flag): \(result.output)")
            #expect(result.output.contains("Message accepted for delivery"))
        }
        let queue = QueueInspection(queueDirectory: daemon.queueDirectory)
        #expect(queue.messageIDs.count == 2)
        #expect(queue.messageIDs.allSatisfy { queue.body($0).contains("with ESMTPS id") })
    }

    @Test func pythonSSLVerifiesTheCertificateAndSeesTLS13() throws {
        let (daemon, smtps, _) = try Self.start(ecdsa: false)
        defer { daemon.finish() }
        let script = """
            import socket, ssl, sys
            ctx = ssl.create_default_context(cafile=sys.argv[2])
            raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s = ctx.wrap_socket(raw, server_hostname="mx.example.test")
            f = s.makefile("rwb"); f.readline(); f.write(b"EHLO client.example\\r\\n"); f.flush()
            print(s.version()); print(f.readline().decode()[4:].strip())
            """
        let result = try ProcessRunner.python(script, ["\(smtps)", daemon.folder.appendingPathComponent("mx.crt").path])
        #expect(result.output.hasPrefix("TLSv1.3\nmx.example.test Hello"), "\(result.output)\(result.error)")
    }
}
