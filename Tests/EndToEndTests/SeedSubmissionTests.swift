import Foundation
import PeerSupport
import Testing

/// The seed's configuration on Linux: reception on 25 with STARTTLS, submission on 587 with tls-require and
/// AUTH against the passwd table, virtual users, and no open relay.
@Suite("The seed's listeners", .ownQueue, .enabled(if: ExternalTool.available("swaks", "python3", "openssl") && ExternalTool.isRoot))
struct SeedSubmissionTests {
    static func swaks(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", arguments + ["--helo", "client.example"])
    }

    @Test(arguments: ["PLAIN", "LOGIN"])
    func batmanSubmitsWithSTARTTLSAndAuth(_ mechanism: String) throws {
        let server = try SeedServer()
        defer { server.daemon.finish() }
        let result = try Self.swaks([
            "--server", "127.0.0.1:\(server.submissionPort)", "--tls", "--auth", mechanism,
            "--auth-user", "batman@athome.tld", "--auth-password", "batman-secret",
            "--from", "batman@athome.tld", "--to", "heroes@athome.tld",
        ])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("235 2.0.0 Authentication succeeded"))
        #expect(result.output.contains("Message accepted for delivery"))
        #expect(!server.daemon.log.contains("batman-secret"))
        #expect(server.daemon.waitForLog("smtp authentication user=batman@athome.tld result=ok"))
        #expect(server.daemon.log.contains(" smtp tls ciphers=TLSv1.3\n"), "\(server.daemon.log)")
        // heroes@ expands to batman@ and superman@, each delivered as _vmail into its maildir.
        let queue = QueueInspection(queueDirectory: server.daemon.queueDirectory)
        let envelopes = queue.messageIDs.flatMap { queue.envelopes($0) }
        #expect(Set(envelopes.compactMap { $0["target"] }) == [
            "/var/vmail/athome.tld/batman/Maildir", "/var/vmail/athome.tld/superman/Maildir",
        ])
        #expect(envelopes.allSatisfy { $0["runas"] == "_vmail" && $0["rcpt"] == "heroes@athome.tld" })
        // Authenticated submission gets Received's ESMTPSA and the Date/Message-ID it lacked (swaks sends both).
        let body = queue.messageIDs.first.map { queue.body($0) } ?? ""
        #expect(body.contains("with ESMTPSA id"), "\(body)")
    }

    @Test func authenticatedUserMayRelayToTheWorld() throws {
        let server = try SeedServer()
        defer { server.daemon.finish() }
        let result = try Self.swaks([
            "--server", "127.0.0.1:\(server.submissionPort)", "--tls", "--auth", "PLAIN",
            "--auth-user", "superman@athome.tld", "--auth-password", "superman-secret",
            "--from", "superman@athome.tld", "--to", "someone@outside.example",
        ])
        #expect(result.status == 0, "\(result.output)")
        let queue = QueueInspection(queueDirectory: server.daemon.queueDirectory)
        let envelopes = queue.messageIDs.flatMap { queue.envelopes($0) }
        #expect(envelopes.map { $0["method"] } == ["relay"])
        #expect(envelopes.map { $0["target"] } == ["mx:outside.example"])
        #expect(envelopes.map { $0["action"] } == ["sendthismail"])
    }

    @Test func wrongPasswordGets535AfterADelayAndIsLogged() throws {
        let server = try SeedServer()
        defer { server.daemon.finish() }
        let started = Date()
        let result = try Self.swaks([
            "--server", "127.0.0.1:\(server.submissionPort)", "--tls", "--auth", "LOGIN",
            "--auth-user", "batman@athome.tld", "--auth-password", "not-the-password",
            "--from", "batman@athome.tld", "--to", "superman@athome.tld",
        ])
        #expect(result.status != 0)
        #expect(result.output.contains("<~* 535 Authentication failed"), "\(result.output)")
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(server.daemon.waitForLog("smtp authentication user=batman@athome.tld result=permfail"))
        #expect(server.daemon.log.contains("smtp failed-command command=\"AUTH LOGIN (password)\" result=\"535 Authentication failed\""))
        #expect(!server.daemon.log.contains("not-the-password"))
        #expect(QueueInspection(queueDirectory: server.daemon.queueDirectory).messageIDs.isEmpty)
    }

    /// A `$6$` hash as Debian's own `smtpctl encrypt` (OpenSMTPD 6.8) writes it works like the seed's bcrypt.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/smtpctl") || ExternalTool.isRequired))
    func sha512HashFromDebiansSmtpctlEncryptWorks() throws {
        let encrypted = try ProcessRunner.run("/usr/sbin/smtpctl", ["encrypt", "kiki-secret"])
        let hash = encrypted.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hash.hasPrefix("$6$"), "\(encrypted.output)\(encrypted.error)")
        let server = try SeedServer(passwd: "kiki@athome.tld:\(hash)\n")
        defer { server.daemon.finish() }
        let result = try Self.swaks([
            "--server", "127.0.0.1:\(server.submissionPort)", "--tls", "--auth", "PLAIN",
            "--auth-user", "kiki@athome.tld", "--auth-password", "kiki-secret",
            "--from", "kiki@athome.tld", "--to", "batman@athome.tld",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("235 2.0.0 Authentication succeeded"))
    }

    @Test func submissionRefusesMailBeforeSTARTTLS() throws {
        let server = try SeedServer()
        defer { server.daemon.finish() }
        let result = try Self.swaks([
            "--server", "127.0.0.1:\(server.submissionPort)", "--from", "batman@athome.tld", "--to", "superman@athome.tld",
        ])
        #expect(result.status != 0)
        #expect(result.output.contains("<** 530 5.5.1 Invalid command: Must issue a STARTTLS command first"),
            "\(result.output)")
        // And AUTH is not offered before TLS.
        #expect(!result.output.contains("250-AUTH"))
    }

    /// A client that is not local and did not authenticate may deliver to the seed's users but not relay. The
    /// client binds 127.0.0.2: a loopback address, but not an address of an interface, so not `from local`.
    @Test func unauthenticatedNonLocalClientCannotRelay() throws {
        let server = try SeedServer()
        defer { server.daemon.finish() }
        let script = """
            import smtplib, sys, json
            s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.example",
                             source_address=("127.0.0.2", 0))
            s.starttls(); s.ehlo("client.example")
            s.mail("stranger@spammer.example")
            out = [list(s.rcpt("victim@outside.example")), list(s.rcpt("batman@athome.tld")),
                   list(s.rcpt("nobody@athome.tld"))]
            s.quit()
            print(json.dumps([[c, t.decode()] for c, t in out]))
            """
        let result = try ProcessRunner.python(script, ["\(server.smtpPort)"])
        let replies = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[Any]] ?? []
        #expect(replies.map { $0.first as? Int } == [550, 250, 524], "\(result.output)\(result.error)")
        #expect(replies.first?.last as? String == "Invalid recipient: <victim@outside.example>")
        #expect(server.daemon.waitForLog("smtp connected address=127.0.0.2 "))
    }

    /// msmtp, the submission client many desktop and cron setups use, with STARTTLS and AUTH PLAIN.
    @Test(.enabled(if: ExternalTool.available("msmtp")))
    func msmtpSubmitsOverSTARTTLS() throws {
        let server = try SeedServer()
        defer { server.daemon.finish() }
        let result = try ProcessRunner.run(ExternalTool.path("msmtp") ?? "msmtp", [
            "--host=127.0.0.1", "--port=\(server.submissionPort)", "--tls=on", "--tls-starttls=on",
            "--tls-certcheck=off", "--auth=plain", "--user=superman@athome.tld",
            "--passwordeval=echo superman-secret", "--from=superman@athome.tld", "batman@athome.tld",
        ], input: "Subject: from msmtp\n\nup, up and away\n")
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(server.daemon.waitForLog("smtp authentication user=superman@athome.tld result=ok"))
        let queue = QueueInspection(queueDirectory: server.daemon.queueDirectory)
        #expect(queue.messageIDs.flatMap { queue.envelopes($0) }.map { $0["dest"] } == ["batman@athome.tld"])
    }
}
