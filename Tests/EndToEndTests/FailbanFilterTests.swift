import Foundation
import PeerSupport
import Testing

/// contrib/fail2ban's filter, run by Debian's fail2ban-regex over log lines the real smtpd wrote, counts each
/// failure against the client address of its session.
@Suite("fail2ban filter", .ownQueue, .enabled(if: ExternalTool.available("fail2ban-regex", "swaks", "python3") && ExternalTool.isRoot))
struct FailbanFilterTests {
    @Test func failuresAreCountedAgainstTheirClientAddress() throws {
        let server = try SeedServer()
        defer { server.daemon.finish() }
        // 127.0.0.1 fails AUTH, 127.0.0.2 tries to relay, 127.0.0.3 sends a bare LF; 127.0.0.4 behaves.
        let wrongPassword = try ProcessRunner.run(ExternalTool.path("swaks") ?? "swaks", [
            "--server", "127.0.0.1:\(server.submissionPort)", "--tls", "--auth", "LOGIN",
            "--auth-user", "batman@athome.tld", "--auth-password", "wrong", "--to", "superman@athome.tld",
        ])
        #expect(wrongPassword.status != 0)
        let script = """
            import smtplib, socket, sys
            port = int(sys.argv[1])
            s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.example", source_address=("127.0.0.2", 0))
            s.ehlo(); s.mail("spammer@outside.example"); print(s.rcpt("victim@elsewhere.example")[0]); s.quit()
            raw = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.3", 0))
            raw.recv(1000); raw.sendall(b"EHLO client.example\\n"); print(raw.recv(1000).decode().split()[0]); raw.close()
            s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.example", source_address=("127.0.0.4", 0))
            s.ehlo(); s.mail("friend@outside.example"); print(s.rcpt("batman@athome.tld")[0]); s.quit()
            """
        let clients = try ProcessRunner.python(script, ["\(server.smtpPort)"])
        #expect(clients.output == "550\n500\n250\n", "\(clients.output)\(clients.error)")
        #expect(server.daemon.waitForLog("address=127.0.0.4"))
        #expect(server.daemon.waitForLog("smtp bad-input result=\"500 "))
        let lastSession = server.daemon.log.split(separator: "\n").first { $0.hasSuffix("address=127.0.0.4 host=<unknown>") }
            .map { String($0.prefix(16)) } ?? "?"
        #expect(waitUntil { server.daemon.log.contains("\(lastSession) smtp disconnected") }, "\(server.daemon.log)")

        // What syslog would store: its own prefix, then the line exactly as smtpd wrote it.
        let folder = server.daemon.folder
        let log = server.daemon.log.split(separator: "\n").filter { $0.contains(" smtp ") }
            .map { "Nov 24 23:20:01 mail smtpd[4242]: \($0)" }.joined(separator: "\n") + "\n"
        let logPath = folder.appendingPathComponent("mail.log").path
        try log.write(toFile: logPath, atomically: true, encoding: .utf8)
        let filterFolder = folder.appendingPathComponent("filter.d").path
        try FileManager.default.createDirectory(atPath: filterFolder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/etc/fail2ban/filter.d/common.conf", toPath: filterFolder + "/common.conf")
        try FileManager.default.copyItem(
            atPath: TernBinaries.packageRoot.appendingPathComponent("contrib/fail2ban/filter.d/tern.conf").path,
            toPath: filterFolder + "/tern.conf")
        let result = try ProcessRunner.run(ExternalTool.path("fail2ban-regex") ?? "fail2ban-regex",
            ["-v", logPath, filterFolder + "/tern.conf"])
        #expect(result.status == 0, "\(result.output)\(result.error)")

        // Failures per address: the lines listed under the failregexes that are not F-NOFAIL (1 and 6).
        var hits: [String: [Int]] = [:]
        var current = 0
        for line in result.output.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if let range = text.range(of: #"^\|\s+(\d+)\) \["#, options: .regularExpression) {
                current = Int(text[range].filter(\.isNumber)) ?? 0
            } else if text.hasPrefix("|      127.0.0."), ![1, 6].contains(current) {
                hits[String(text.dropFirst(7).split(separator: " ")[0]), default: []].append(current)
            }
        }
        #expect(hits == ["127.0.0.1": [2], "127.0.0.2": [3], "127.0.0.3": [4]], "\(result.output)")
    }
}
