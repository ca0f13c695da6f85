import Foundation
import Logging
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// Real supervisor and worker processes (the DeliveryTestHost binary plays smtpd). Changing uid needs root, as
/// on CI; a run as another user reports these tests as skipped, not passed.
@Suite("Supervised delivery as the recipient's user", .serialized)
struct SupervisedDeliveryTests {
    static var isRoot: Bool { geteuid() == 0 }

    func testHost() throws -> String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            folder = bundle.bundleURL.deletingLastPathComponent()
        }
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("DeliveryTestHost").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw HostMissing()
    }

    struct HostMissing: Error {}

    func envelope(_ method: String, target: String, user: String, deliveryUser: String? = nil) -> QueuedEnvelope {
        QueuedEnvelope(
            id: EnvelopeID(rawValue: 0x1234_5678_0000_0001), sender: "alice@example.org", rcpt: "bob@example.net",
            dest: "bob@example.net", action: "local", method: method, target: target, user: user, created: 0,
            expire: 0, deliveryUser: deliveryUser ?? user)
    }

    /// A folder the `nobody` user owns, inside the test's temporary folder.
    func nobodyFolder(in dir: TemporaryMailDirectory) throws -> (path: String, account: SystemAccount) {
        let account = try SystemAccount.named("nobody").get()
        let path = dir.path + "/nobody"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(chown(path, account.uid, account.gid) == 0)
        return (path, account)
    }

    /// The worker processes the supervisor runs now, with their real uids.
    func workers(of supervisor: pid_t) -> [(pid: pid_t, uid: uid_t)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> (pid_t, uid_t)? in
            guard let pid = pid_t(entry),
                let status = try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8),
                let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline")),
                String(decoding: cmdline, as: UTF8.self).contains(DeliveryWorkerProcess.workerFlag)
            else { return nil }
            let fields = Dictionary(
                status.split(separator: "\n").compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }, uniquingKeysWith: { first, _ in first })
            guard fields["PPid"] == String(supervisor), let uid = fields["Uid"]?.split(separator: "\t").first,
                let value = uid_t(uid)
            else { return nil }
            return (pid, value)
        }
    }

    func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return condition()
    }

    @Test("a worker running as nobody writes the maildir and runs the mda; the supervisor refuses unknown users and root",
        .enabled(if: isRoot))
    func deliversAsTheUser() async throws {
        let dir = TemporaryMailDirectory()
        let (folder, nobody) = try nobodyFolder(in: dir)
        let message = TestMessageBody("Subject: hi\n\nbody\n", in: dir)
        // Long enough that the worker is still there when counted on a loaded CI machine, short enough to wait
        // for its idle exit.
        let agent = try SupervisedDeliveryAgent.launch(
            executable: try testHost(), workerIdleTimeout: 4, logger: Logger(label: "test"))

        let outcomes = await agent.deliver(
            [
                envelope("maildir", target: folder + "/Maildir", user: "nobody"),
                envelope("mda", target: "(id -u; id -g; pwd) > \(folder)/ids", user: "bob", deliveryUser: "nobody"),
                envelope("maildir", target: folder + "/X", user: "no-such-user-tern"),
                envelope("maildir", target: folder + "/R", user: "root"),
                envelope("lmtp", target: "/run/lmtp", user: "nobody"),
            ], body: message.body)
        #expect(
            outcomes == [
                .delivered("Delivered"), .delivered("Delivered"),
                .permanentFailure("user 'no-such-user-tern' does not exist on this system"),
                .permanentFailure("MDA not allowed to deliver to: root"),
                .permanentFailure("not a local delivery: method lmtp"),
            ])

        let name = try #require(dir.files(in: "nobody/Maildir/new").first)
        var info = stat()
        #expect(stat(folder + "/Maildir/new/" + name, &info) == 0)
        #expect(info.st_uid == nobody.uid)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(folder + "/Maildir", &info) == 0)
        #expect(info.st_uid == nobody.uid)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(String(decoding: dir.contents(of: "nobody/Maildir/new/" + name), as: UTF8.self).hasSuffix("\n\nbody\n"))
        // nobody's passwd home does not exist: the command starts in /, as OpenSMTPD's.
        #expect(String(decoding: dir.contents(of: "nobody/ids"), as: UTF8.self) == "\(nobody.uid)\n\(nobody.gid)\n/\n")

        // One long-lived worker served both deliveries, as nobody; it stops once idle.
        let running = workers(of: agent.supervisorProcessID)
        #expect(running.count == 1)
        #expect(running.first?.uid == nobody.uid)
        #expect(await waitUntil(seconds: 15) { workers(of: agent.supervisorProcessID).isEmpty })

        // A new delivery starts a new worker.
        let again = await agent.deliver([envelope("maildir", target: folder + "/Maildir", user: "nobody")], body: message.body)
        #expect(again == [.delivered("Delivered")])
        #expect(dir.files(in: "nobody/Maildir/new").count == 2)

        let supervisor = agent.supervisorProcessID
        agent.shutdown()
        #expect(await waitUntil(seconds: 5) { kill(supervisor, 0) != 0 })
        let after = await agent.deliver([envelope("maildir", target: folder + "/Maildir", user: "nobody")], body: message.body)
        #expect(after == [.temporaryFailure("delivery supervisor exited")])
    }

    @Test("a worker that dies mid-delivery is a temporary failure, and the next delivery gets a new worker",
        .enabled(if: isRoot))
    func workerDies() async throws {
        let dir = TemporaryMailDirectory()
        let (folder, _) = try nobodyFolder(in: dir)
        let message = TestMessageBody("Subject: hi\n\nbody\n", in: dir)
        let agent = try SupervisedDeliveryAgent.launch(
            executable: try testHost(), workerIdleTimeout: 30, logger: Logger(label: "test"))
        defer { agent.shutdown() }
        let killed = await agent.deliver(
            [envelope("mda", target: "kill -KILL $PPID", user: "nobody")], body: message.body)
        guard case .temporaryFailure(let text) = killed.first else {
            Issue.record("expected a temporary failure, got \(killed)")
            return
        }
        #expect(text.hasPrefix("delivery worker for uid=65534") && text.hasSuffix("exited"))
        let next = await agent.deliver([envelope("maildir", target: folder + "/Maildir", user: "nobody")], body: message.body)
        #expect(next == [.delivered("Delivered")])
    }

    @Test("an mbox worker may take the dotlock in a group-writable spool, as Debian's /var/mail (root:mail 2775)",
        .enabled(if: isRoot))
    func mboxInSpool() async throws {
        let dir = TemporaryMailDirectory()
        let nobody = try SystemAccount.named("nobody").get()
        let mailGroup = try #require(getgrnam("mail")).pointee.gr_gid
        let spool = dir.path + "/mail"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: false)
        #expect(chown(spool, 0, mailGroup) == 0)
        #expect(chmod(spool, 0o2775) == 0)
        let message = TestMessageBody("Subject: spool\n\nbody\n", in: dir)
        let agent = try SupervisedDeliveryAgent.launch(
            executable: try testHost(), mailSpool: spool, logger: Logger(label: "test"))
        defer { agent.shutdown() }

        let outcomes = await agent.deliver(
            [envelope("mbox", target: spool + "/nobody", user: "nobody"), envelope("mbox", target: spool + "/nobody", user: "nobody")],
            body: message.body)
        #expect(outcomes == [.delivered("Delivered"), .delivered("Delivered")])
        var info = stat()
        #expect(stat(spool + "/nobody", &info) == 0)
        #expect(info.st_uid == nobody.uid)
        #expect(info.st_gid == nobody.gid)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(!FileManager.default.fileExists(atPath: spool + "/nobody.lock"))
        let runs = workers(of: agent.supervisorProcessID)
        #expect(runs.count == 1)
        if let worker = runs.first {
            let status = (try? String(contentsOfFile: "/proc/\(worker.pid)/status", encoding: .utf8)) ?? ""
            let groups = status.split(separator: "\n").first { $0.hasPrefix("Groups:") } ?? ""
            #expect(groups.split(separator: "\t").last?.split(separator: " ").contains("\(mailGroup)") == true)
        }
        let subjects = try MboxDeliveryTests().readWithPython(spool + "/nobody").map { $0["subject"] }
        #expect(subjects == ["spool", "spool"])
    }

    @Test("requests that find the supervisor's socket full wait for room off the caller's thread, and all are answered")
    func fullSocketWaits() async throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Subject: hi\n\nbody\n", in: dir)
        let (ours, theirs) = try SeqPacketSocket.pair()
        defer { theirs.close() }
        // pid 1 is not this process's child: the reader's waitpid, once the socket closes, returns at once.
        let agent = SupervisedDeliveryAgent(socket: ours, supervisor: 1, logger: Logger(label: "test"))
        defer { agent.shutdown() }
        // Long targets make long records: a few hundred fill the socket's buffer.
        let request = envelope("maildir", target: dir.path + "/" + String(repeating: "m", count: 2000),
            user: currentUserName())
        let count = 600
        let body = message.body
        let deliveries = Task {
            await withTaskGroup(of: [DeliveryOutcome].self) { group in
                for _ in 0..<count { group.addTask { await agent.deliver([request], body: body) } }
                return await group.reduce(into: [DeliveryOutcome]()) { $0 += $1 }
            }
        }
        try #require(await waitUntil(seconds: 20) { agent.sendsWaitedFor > 0 })
        // Play the supervisor, on a thread of its own: answer every request (a request that never comes ends
        // the loop after 5 s).
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        #expect(setsockopt(theirs.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0)
        let answered = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var answered = 0
                while answered < count, let (bytes, descriptor) = try? theirs.receive() {
                    if let descriptor { close(descriptor) }
                    guard let request = try? DeliveryRequest(WireRecord(decoding: bytes)),
                        let reply = try? DeliveryReply(id: request.id, outcome: .delivered("ok")).record().encoded(),
                        (try? theirs.send(reply)) != nil
                    else { break }
                    answered += 1
                }
                continuation.resume(returning: answered)
            }
        }
        #expect(answered == count)
        let outcomes = await deliveries.value
        #expect(outcomes.count == count && outcomes.allSatisfy { $0 == .delivered("ok") })
    }

    @Test("when the supervisor is gone, deliveries fail temporarily rather than hang")
    func supervisorGone() async throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Subject: hi\n\nbody\n", in: dir)
        // /bin/true plays a supervisor that exits at once.
        let agent = try SupervisedDeliveryAgent.launch(executable: "/bin/true", logger: Logger(label: "test"))
        let outcomes = await agent.deliver(
            [envelope("maildir", target: dir.path + "/M", user: currentUserName())], body: message.body)
        // Whether the send fails or the reply never comes, it is the same temporary failure.
        #expect(outcomes == [.temporaryFailure("delivery supervisor exited")])
        #expect(dir.files(in: "M").isEmpty)
        let later = await agent.deliver(
            [envelope("maildir", target: dir.path + "/M", user: currentUserName())], body: message.body)
        #expect(later == [.temporaryFailure("delivery supervisor exited")])
    }
}
