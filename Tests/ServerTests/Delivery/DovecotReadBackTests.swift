import Foundation
import Logging
import PeerSupport
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// Dovecot (doveadm, from dovecot-core) reads a maildir file a worker wrote as `nobody`: the sizes it takes from
/// the name (`S=`, `W=`) are the file's real ones, and the message is intact. Needs root (to run the worker and
/// doveadm as nobody); scripts/test.sh installs dovecot-core and sets TERN_REQUIRE_OPENSMTPD=1, so on CI this
/// runs, and fails if doveadm is missing.
@Suite("Dovecot reads Tern's maildir files", .ownQueue, .enabled(if: Dovecot.shouldRun, "needs root and doveadm"))
struct DovecotReadBackTests {
    @Test("doveadm fetch: physical and virtual size, header and body")
    func doveadmFetch() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Dovecot.doveadm), "dovecot-core is not installed")
        let dir = TemporaryMailDirectory()
        let support = SupervisedDeliveryTests()
        let (folder, nobody) = try support.nobodyFolder(in: dir)
        let body = "Subject: read by dovecot\nX-Test: 1\n\nfirst line\n\nFrom the middle\nlast line\n"
        let message = TestMessageBody(body, in: dir)
        let agent = try SupervisedDeliveryAgent.launch(executable: try support.testHost(), logger: Logger(label: "test"))
        defer { agent.shutdown() }
        let outcomes = await agent.deliver(
            [support.envelope("maildir", target: folder + "/Maildir", user: "nobody")], body: message.body)
        #expect(outcomes == [.delivered("Delivered")])
        let name = try #require(dir.files(in: "nobody/Maildir/new").first)
        let stored = dir.contents(of: "nobody/Maildir/new/" + name)

        let runDirectory = folder + "/dovecot"
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: false)
        #expect(chown(runDirectory, nobody.uid, nobody.gid) == 0)
        let config = dir.path + "/dovecot.conf"
        try """
            base_dir = \(runDirectory)/run
            state_dir = \(runDirectory)/state
            log_path = /dev/stderr
            ssl = no
            mail_location = maildir:\(folder)/Maildir
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=\(nobody.uid)", "--regid=\(nobody.gid)", "--clear-groups", Dovecot.doveadm, "-c", config,
            "fetch", "size.physical size.virtual hdr.subject text", "mailbox", "INBOX", "all",
        ]
        process.environment = ["USER": "nobody", "HOME": folder, "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "doveadm said: \(text)")

        let lineFeeds = stored.filter { $0 == UInt8(ascii: "\n") }.count
        #expect(text.contains("size.physical: \(stored.count)\n"), "doveadm said: \(text)")
        #expect(text.contains("size.virtual: \(stored.count + lineFeeds)\n"), "doveadm said: \(text)")
        #expect(text.contains("hdr.subject: read by dovecot\n"), "doveadm said: \(text)")
        #expect(text.contains("Return-Path: <alice@example.org>\nDelivered-To: bob@example.net\n" + body))
    }
}

enum Dovecot {
    static let doveadm = "/usr/bin/doveadm"
    static let shouldRun =
        geteuid() == 0
        && (FileManager.default.isExecutableFile(atPath: doveadm)
            || ProcessInfo.processInfo.environment["TERN_REQUIRE_OPENSMTPD"] == "1")
}
