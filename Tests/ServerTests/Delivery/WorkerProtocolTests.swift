import Foundation
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

@Suite("Delivery worker protocol")
struct WorkerProtocolTests {
    let request = DeliveryRequest(
        id: 42,
        delivery: LocalDelivery(
            method: .maildir, target: "/var/vmail/example.org/bob", junk: true, user: "bob", deliveryUser: "_vmail",
            home: "/var/vmail/example.org/bob", subaddress: "news", sender: "", rcpt: "bob+news@example.org",
            dest: "bob@example.org", envelopeID: "1234567800000001"),
        messageID: MessageID(rawValue: 0x1234_5678)!, size: 1234)

    @Test("records round-trip, including empty and non-ASCII values")
    func recordRoundTrip() throws {
        let record = WireRecord(["a": "", "ünï": "cödé\n\0x", "long": String(repeating: "z", count: 40000)])
        #expect(try WireRecord(decoding: record.encoded()) == record)
    }

    @Test("bad records are refused")
    func badRecords() throws {
        let good = try WireRecord(["key": "value"]).encoded()
        #expect(throws: WireRecord.DecodingError.wrongVersion) { try WireRecord(decoding: [2] + good.dropFirst()) }
        #expect(throws: WireRecord.DecodingError.truncated) { try WireRecord(decoding: Array(good.dropLast())) }
        #expect(throws: WireRecord.DecodingError.duplicateField("key")) {
            try WireRecord(decoding: good + good.dropFirst())
        }
        #expect(throws: WireRecord.DecodingError.tooLarge) {
            try WireRecord(["x": String(repeating: "z", count: WireRecord.maximumSize)]).encoded()
        }
        #expect(throws: WireRecord.DecodingError.badField("method")) { try DeliveryRequest(WireRecord(["id": "1"])) }
    }

    @Test("requests and replies round-trip", arguments: [
        DeliveryOutcome.delivered("Delivered"), .temporaryFailure("Disk full"), .permanentFailure("Error (x: \"y\")"),
    ])
    func messagesRoundTrip(outcome: DeliveryOutcome) throws {
        #expect(try DeliveryRequest(WireRecord(decoding: request.record().encoded())) == request)
        var plain = request
        plain.delivery.home = nil
        plain.delivery.subaddress = nil
        #expect(try DeliveryRequest(WireRecord(decoding: plain.record().encoded())) == plain)
        let reply = DeliveryReply(id: 7, outcome: outcome)
        #expect(try DeliveryReply(WireRecord(decoding: reply.record().encoded())) == reply)
    }

    @Test("a record travels over a real socket pair with an open file descriptor")
    func descriptorPassing() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("the body\n", in: dir)
        let (a, b) = try SeqPacketSocket.pair()
        defer {
            a.close()
            b.close()
        }
        try a.send(request.record().encoded(), attaching: message.body.descriptor)
        try a.send(DeliveryReply(id: 1, outcome: .delivered("Delivered")).record().encoded())
        let (bytes, passed) = try #require(try b.receive())
        #expect(try DeliveryRequest(WireRecord(decoding: bytes)) == request)
        let descriptor = try #require(passed)
        defer { close(descriptor) }
        #expect(descriptor != message.body.descriptor)
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0)
        let received = MessageBody(messageID: request.messageID, descriptor: descriptor, size: 9)
        #expect(try received.readAll() == Array("the body\n".utf8))
        // Record boundaries hold, and a record without a descriptor brings none.
        let (second, none) = try #require(try b.receive())
        #expect(try DeliveryReply(WireRecord(decoding: second)) == DeliveryReply(id: 1, outcome: .delivered("Delivered")))
        #expect(none == nil)
        a.close()
        #expect(try b.receive() == nil)
    }

    @Test("a worker answers a request with the delivery's outcome, and closes the body it was given")
    func workerHandlesRequest() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Subject: x\n\nbody\n", in: dir)
        let mailbox = dir.path + "/mbox"
        let delivery = localDelivery(.mbox, target: mailbox)
        let request = DeliveryRequest(id: 9, delivery: delivery, messageID: message.body.messageID, size: message.body.size)
        let copy = dup(message.body.descriptor)
        let reply = DeliveryWorker.handle(try request.record().encoded(), descriptor: copy, deliverer: testDeliverer())
        #expect(reply == DeliveryReply(id: 9, outcome: .delivered("Delivered")))
        #expect(fcntl(copy, F_GETFD) == -1, "the worker closes the descriptor it received")
        #expect(String(decoding: dir.contents(of: "mbox"), as: UTF8.self).contains("\n\nbody\n\n"))

        let missing = DeliveryWorker.handle(try request.record().encoded(), descriptor: nil, deliverer: testDeliverer())
        #expect(missing == DeliveryReply(id: 9, outcome: .temporaryFailure("delivery worker: no message descriptor")))
    }

    @Test("a worker refuses a request for another uid than its own, and an unknown user, without delivering")
    func workerChecksTheRequestsUser() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Subject: x\n\nbody\n", in: dir)
        // Whoever runs the tests, some other account exists: nobody for root, root for anyone else.
        let other = try (getuid() == 0 ? SystemAccount.named("nobody") : SystemAccount.named("root")).get()
        let cases: [(user: String, outcome: DeliveryOutcome)] = [
            (other.name, .temporaryFailure("delivery worker runs as uid \(getuid()), not \(other.uid)")),
            ("no-such-user-tern", .permanentFailure("user 'no-such-user-tern' does not exist on this system")),
        ]
        for (index, (user, outcome)) in cases.enumerated() {
            let delivery = localDelivery(.mbox, target: dir.path + "/mbox", user: user)
            let request = DeliveryRequest(
                id: UInt64(index), delivery: delivery, messageID: message.body.messageID, size: message.body.size)
            let copy = dup(message.body.descriptor)
            let reply = DeliveryWorker.handle(try request.record().encoded(), descriptor: copy, deliverer: testDeliverer())
            #expect(reply == DeliveryReply(id: UInt64(index), outcome: outcome))
            #expect(fcntl(copy, F_GETFD) == -1, "the worker closes the descriptor it received")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/mbox"))
    }

    @Test("a worker's identity survives its command line")
    func identityArguments() {
        let identity = WorkerIdentity(uid: 65534, gid: 65534, groups: [8, 65534])
        #expect(WorkerIdentity(arguments: ArraySlice(identity.arguments)) == identity)
        let noGroups = WorkerIdentity(uid: 1, gid: 2, groups: [])
        #expect(WorkerIdentity(arguments: ArraySlice(noGroups.arguments)) == noGroups)
    }

    @Test("unknown users and root never get a worker, except root's own mailbox in the spool")
    func identityRefusals() {
        let refused = LocalDeliveryError.permanent("MDA not allowed to deliver to: root")
        #expect(throws: LocalDeliveryError.permanent("user 'no-such-user-tern' does not exist on this system")) {
            try WorkerIdentity.forDelivery(
                localDelivery(.maildir, target: "/tmp/x", user: "no-such-user-tern"), mailSpool: "/var/mail")
        }
        #expect(throws: refused) {
            try WorkerIdentity.forDelivery(localDelivery(.mda, target: "true", user: "root"), mailSpool: "/var/mail")
        }
        #expect(throws: refused) {
            try WorkerIdentity.forDelivery(localDelivery(.mbox, target: "/etc/passwd", user: "root"), mailSpool: "/var/mail")
        }
        #expect(throws: refused) {
            try WorkerIdentity.forDelivery(localDelivery(.mbox, target: "/var/mail/bob", user: "root"), mailSpool: "/var/mail")
        }
        let identity = try? WorkerIdentity.forDelivery(
            localDelivery(.mbox, target: "/var/mail/root", user: "root"), mailSpool: "/var/mail")
        #expect(identity?.uid == 0)
    }

    /// Only root may give a folder a group it is not in.
    @Test("only an mbox delivery into the spool lends the spool's group", .enabled(if: geteuid() == 0))
    func spoolGroup() throws {
        let dir = TemporaryMailDirectory()
        let spool = dir.path + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: false)
        #expect(chmod(spool, 0o2775) == 0)
        let group: gid_t = 12345
        try #require(chown(spool, geteuid(), group) == 0)
        let user = SystemAccount.named("nobody")
        let name = (try? user.get().name) ?? currentUserName()
        let mbox = try WorkerIdentity.forDelivery(localDelivery(.mbox, target: spool + "/" + name, user: name), mailSpool: spool)
        #expect(mbox.groups.contains(group))
        let elsewhere = try WorkerIdentity.forDelivery(
            localDelivery(.mbox, target: spool + "/" + name, user: name), mailSpool: "/var/mail")
        #expect(!elsewhere.groups.contains(group))
        let file = try WorkerIdentity.forDelivery(localDelivery(.file, target: spool + "/" + name, user: name), mailSpool: spool)
        #expect(!file.groups.contains(group))
    }

    @Test("the supervisor reuses a user's group list for a few seconds, then asks again")
    func groupListsAreReusedBriefly() {
        final class Counter: @unchecked Sendable { var calls = 0 }
        let counter = Counter()
        var cache = GroupListCache()
        cache.lookUp = { account in
            counter.calls += 1
            return [account.gid, gid_t(100 + counter.calls)]
        }
        let bob = SystemAccount(name: "bob", uid: 1000, gid: 1000, home: "/home/bob")
        let carol = SystemAccount(name: "carol", uid: 1001, gid: 1001, home: "/home/carol")
        #expect(cache.groups(of: bob, now: 10) == [1000, 101])
        #expect(cache.groups(of: bob, now: 14.9) == [1000, 101])
        #expect(cache.groups(of: carol, now: 14.9) == [1001, 102])
        #expect(counter.calls == 2)
        #expect(cache.groups(of: bob, now: 15) == [1000, 103], "five seconds old: asked again")
        #expect(cache.groups(of: bob, now: 9) == [1000, 104], "a clock that went back: asked again")
    }
}
