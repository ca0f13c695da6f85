import Foundation
import PeerSupport
import Testing

/// The tutorial's mail server, whole, on one machine: Tern on the seed's configuration and Dovecot on the seed's
/// local.conf sharing its passwd file. batman submits over 587 with STARTTLS and AUTH; superman reads it over
/// IMAPS; a new account is added by editing the tables and `smtpctl update table`, without a restart.
@Suite("The seed end to end: submission → maildir → IMAPS", .ownQueue,
    .enabled(if: ExternalTool.available("swaks", "python3", "openssl") && ExternalTool.isRoot
        && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot") || ExternalTool.isRequired)),
    .serialized)
struct SeedChainTests {
    static let domainFolder = "/var/vmail/athome.tld"

    static func submit(_ server: SeedServer, user: String, password: String, to recipient: String, subject: String)
        throws -> ProcessResult
    {
        try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
            "--server", "127.0.0.1:\(server.submissionPort)", "--tls", "--auth", "PLAIN",
            "--auth-user", user, "--auth-password", password, "--from", user, "--to", recipient,
            "--header", "Subject: \(subject)", "--body", "sent by \(user)", "--helo", "client.example",
        ])
    }

    @Test func batmanWritesSupermanReadsAndANewAccountWorksWithoutRestart() throws {
        try SeedMaildirs.exclusively {
            try? FileManager.default.removeItem(atPath: Self.domainFolder)
            defer { try? FileManager.default.removeItem(atPath: Self.domainFolder) }
            let server = try SeedServer(pausing: [])
            defer { server.daemon.finish() }
            let dovecot = try DovecotServer(folder: server.daemon.folder)
            defer { dovecot.stop() }

            // batman → heroes@ (batman and superman); the virtual table's one-to-many line.
            let sent = try Self.submit(server, user: "batman@athome.tld", password: "batman-secret",
                to: "heroes@athome.tld", subject: "Gotham needs us")
            #expect(sent.status == 0, "\(sent.output)")
            #expect(server.daemon.waitForLog("to=<superman@athome.tld> rcpt=<heroes@athome.tld> user=_vmail"))
            #expect(server.daemon.waitForLog("to=<batman@athome.tld> rcpt=<heroes@athome.tld> user=_vmail"))
            let inbox = try dovecot.readInbox(user: "superman@athome.tld", password: "superman-secret")
            #expect(inbox == "Gotham needs us|sent by batman@athome.tld\n", "\(inbox)\n\(dovecot.log)")
            #expect(try dovecot.readInbox(user: "batman@athome.tld", password: "batman-secret")
                == "Gotham needs us|sent by batman@athome.tld\n")
            #expect(try dovecot.readInbox(user: "superman@athome.tld", password: "wrong") == "LOGIN FAILED\n")
            // The maildir belongs to _vmail, as Dovecot's static userdb expects.
            let owner = try FileManager.default.attributesOfItem(atPath: Self.domainFolder + "/superman/Maildir")[.ownerAccountName]
            #expect(owner as? String == "_vmail")

            // An unknown virtual user is refused at RCPT.
            let unknown = try Self.submit(server, user: "batman@athome.tld", password: "batman-secret",
                to: "robin@athome.tld", subject: "too early")
            #expect(unknown.output.contains("<~* 524 5.2.4 Mailing list expansion problem: <robin@athome.tld>"), "\(unknown.output)")

            // A new account: a line in virtuals, a hash from Tern's smtpctl encrypt in passwd, `update table`.
            let hash = try ProcessRunner.run(TernBinaries.smtpctl, ["encrypt", "robin-secret"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(hash.hasPrefix("$2b$"))
            let folder = server.daemon.folder
            try appendLine("robin@athome.tld _vmail", to: folder.appendingPathComponent("virtuals").path)
            try appendLine("robin@athome.tld:\(hash)", to: folder.appendingPathComponent("passwd").path)
            #expect(try server.daemon.smtpctl(["update", "table", "virtuals"]).output == "command succeeded\n")
            #expect(try server.daemon.smtpctl(["update", "table", "passwd"]).output == "command succeeded\n")
            let welcome = try Self.submit(server, user: "batman@athome.tld", password: "batman-secret",
                to: "robin@athome.tld", subject: "Welcome")
            #expect(welcome.status == 0, "\(welcome.output)")
            let reply = try Self.submit(server, user: "robin@athome.tld", password: "robin-secret",
                to: "batman@athome.tld", subject: "Thanks")
            #expect(reply.status == 0, "robin can authenticate at once: \(reply.output)")
            #expect(server.daemon.waitForLog("to=<robin@athome.tld> rcpt=<robin@athome.tld> user=_vmail"))
            #expect(waitUntil { (try? dovecot.readInbox(user: "robin@athome.tld", password: "robin-secret"))
                == "Welcome|sent by batman@athome.tld\n" })
        }
    }

    /// `action … lmtp "/socket" rcpt-to virtual <virtuals>` (examples/lmtp-dovecot): Tern hands the seed's virtual
    /// users' mail to Dovecot's real LMTP server, which files it where IMAP serves it. In this suite because both
    /// tests use /var/vmail/athome.tld.
    @Test func heroesMailGoesThroughDovecotsLMTPToBothInboxes() throws {
        try SeedMaildirs.exclusively {
            try? FileManager.default.removeItem(atPath: Self.domainFolder)
            defer { try? FileManager.default.removeItem(atPath: Self.domainFolder) }
            let seed = TernBinaries.packageRoot.appendingPathComponent("examples/seed")
            func read(_ name: String) throws -> String {
                try String(contentsOf: seed.appendingPathComponent(name), encoding: .utf8)
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cert-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let (certificate, key) = try TestCertificate.make(commonName: "athome.tld", in: folder)
            let port = TernDaemon.freePort()
            let daemon = try TernDaemon(configuration: """
                table virtuals file:@DIR@/virtuals
                listen on 127.0.0.1 port \(port)
                action "dovecot" lmtp "@DIR@/dovecot/run/lmtp" rcpt-to virtual <virtuals>
                match from any for domain "athome.tld" action "dovecot"
                """, files: [
                    "virtuals": try read("virtuals"), "passwd": try read("passwd"),
                    "athome.tld.crt": certificate, "athome.tld.key": key,
                ], waitForPorts: [port])
            defer { daemon.finish() }
            let dovecot = try DovecotServer(folder: daemon.folder)
            defer { dovecot.stop() }
            let sent = try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
                "--server", "127.0.0.1:\(port)", "--from", "alfred@manor.example", "--to", "heroes@athome.tld",
                "--header", "Subject: Dinner", "--body", "at eight",
            ])
            #expect(sent.status == 0, "\(sent.output)")
            #expect(waitUntil(timeout: 20) {
                (try? dovecot.readInbox(user: "superman@athome.tld", password: "superman-secret")) == "Dinner|at eight\n"
            }, "\(daemon.log)\n\(dovecot.log)")
            #expect(waitUntil(timeout: 20) {
                (try? dovecot.readInbox(user: "batman@athome.tld", password: "batman-secret")) == "Dinner|at eight\n"
            })
            #expect(daemon.log.contains("mta delivery") || daemon.log.contains("delivery evpid="), "\(daemon.log)")
            #expect(waitUntil { QueueInspection(queueDirectory: daemon.queueDirectory).messageIDs.isEmpty })
        }
    }

    private func appendLine(_ line: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
        try handle.close()
    }
}
