import Foundation
import Testing
@testable import Server

@Suite("In-process local delivery agent")
struct LocalDeliveryAgentTests {
    @Test("queued envelopes become deliveries, one outcome each, in order")
    func outcomesInOrder() async {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Subject: x\n\nbody\n", in: dir)
        let user = currentUserName()
        func envelope(_ method: String, _ target: String, junk: Bool = false) -> QueuedEnvelope {
            QueuedEnvelope(
                sender: "alice@example.org", rcpt: "bob@example.net", dest: "bob@example.net", action: "local",
                method: method, target: target, user: user, created: 0, expire: 0, junk: junk)
        }
        let agent = LocalDeliveryAgent(deliverer: testDeliverer())
        let outcomes = await agent.deliver(
            [
                envelope("maildir", dir.path + "/Maildir", junk: true), envelope("mbox", dir.path + "/mbox"),
                envelope("mda", "exit 75"), envelope("relay", "smtp://example.net"),
            ], body: message.body)
        #expect(
            outcomes == [
                .delivered("Delivered"), .delivered("Delivered"), .temporaryFailure("temporary failure"),
                .permanentFailure("not a local delivery: method relay"),
            ])
        #expect(dir.files(in: "Maildir/new").count == 1)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/Maildir/.Junk/new"))
    }

    @Test("envelope fields map onto the delivery: deliveryUser defaults to the user, subaddress and home carry over")
    func envelopeMapping() throws {
        var queued = QueuedEnvelope(
            sender: "", rcpt: "bob+tag@example.net", dest: "bob@example.net", action: "a", method: "pipe",
            target: "cat", user: "bob", created: 0, expire: 0, home: "/home/bob", subaddress: "tag")
        let delivery = try #require(LocalDelivery(queued))
        #expect(delivery.method == .pipe)
        #expect(delivery.deliveryUser == "bob")
        #expect(delivery.home == "/home/bob")
        #expect(delivery.subaddress == "tag")
        #expect(delivery.homeDirectory(of: SystemAccount(name: "bob", uid: 1, gid: 1, home: "/elsewhere")) == "/home/bob")
        queued.deliveryUser = "_vmail"
        let virtual = try #require(LocalDelivery(queued))
        #expect(virtual.homeDirectory(of: SystemAccount(name: "_vmail", uid: 2, gid: 2, home: "/var/vmail")) == "/var/vmail")
        queued.method = "lmtp"
        #expect(LocalDelivery(queued) == nil)
    }
}
