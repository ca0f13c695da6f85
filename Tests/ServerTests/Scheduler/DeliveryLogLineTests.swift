import Testing
@testable import Server

@Suite("Scheduler log and show queue formats")
struct DeliveryLogLineTests {
    @Test(arguments: [(0, "0s"), (2, "2s"), (63, "1m3s"), (3723, "1h2m3s"), (3600, "1h"), (86401, "1d1s"), (-5, "-5s")])
    func durationLikeOpenSMTPD(seconds: Int64, text: String) {
        #expect(durationText(seconds) == text)
    }

    @Test func mdaDeliveryLine() {
        var envelope = scheduledEnvelope(rcpt: "bob@example.net", created: 1000)
        envelope.dest = "bob@example.net"
        envelope.deliveryUser = "_vmail"
        #expect(DeliveryLogLine.mda(session: 0xabc, envelope: envelope, outcome: .delivered("Delivered"), now: 1063)
            == "0000000000000abc mda delivery evpid=000000a100000001 from=<alice@example.org> to=<bob@example.net> "
            + "rcpt=<bob@example.net> user=_vmail delay=1m3s result=Ok stat=Delivered")
        #expect(DeliveryLogLine.mda(session: 1, envelope: envelope, outcome: .temporaryFailure("Mailbox full"), now: 1000)
            .hasSuffix("delay=0s result=TempFail stat=Error (Mailbox full)"))
        #expect(DeliveryLogLine.mda(session: 1, envelope: envelope, outcome: .permanentFailure("No such user"), now: 1000)
            .hasSuffix("result=PermFail stat=Error (No such user)"))
    }

    @Test func mtaDeliveryLine() {
        let envelope = scheduledEnvelope(rcpt: "carol@example.com", method: "relay", target: "", user: nil, created: 0)
        #expect(DeliveryLogLine.mta(session: 0x1f, envelope: envelope, outcome: .delivered("250 2.0.0 Ok: queued as X"), now: 3723)
            == "000000000000001f mta delivery evpid=000000a100000001 from=<alice@example.org> to=<carol@example.com> "
            + "rcpt=<-> source=\"-\" relay=\"example.com\" delay=1h2m3s result=\"Ok\" stat=\"250 2.0.0 Ok: queued as X\"")
    }

    @Test func showQueueLineLikeSmtpctl() {
        var envelope = scheduledEnvelope(rcpt: "bob@example.net", sender: "", created: 1000, expire: 346_600, nextTry: 1400)
        envelope.retries = 2
        envelope.lastTry = 1200
        envelope.lastError = "421 busy\u{1}\\"
        #expect(ShowQueueLine.format(QueueListingEntry(envelope: envelope, state: .pending), now: 1300)
            == "000000a100000001|?|mda||@|bob@example.net|bob@example.net|1000|346600|1200|2|pending|100|421 busy\\^A\\\\")
        #expect(ShowQueueLine.format(QueueListingEntry(envelope: envelope, state: .inflight(since: 1290)), now: 1300)
            == "000000a100000001|?|mda||@|bob@example.net|bob@example.net|1000|346600|1290|2|inflight|10|421 busy\\^A\\\\")
    }

    @Test func visEncodesLikeStrnvisWithoutFlags() {
        #expect(ShowQueueLine.vis("a b\tc\n") == "a b\tc\n")
        #expect(ShowQueueLine.vis("\u{7f}") == "\\^?")
        #expect(ShowQueueLine.vis("é") == "\\M-C\\M-)")
        #expect(ShowQueueLine.vis(String(decoding: [0x85], as: UTF8.self)) == "\\M-o\\M-?\\M-=", "U+FFFD after decoding")
    }

    @Test func targetsParseLikeSmtpctlArguments() {
        #expect(SchedulerTarget("all") == .all)
        #expect(SchedulerTarget("0000a1b2") == .message(MessageID(rawValue: 0xa1b2)!))
        #expect(SchedulerTarget("0000a1b200000003") == .envelope(EnvelopeID(rawValue: 0xa1b2_0000_0003)!))
        #expect(SchedulerTarget("xyz") == nil)
    }
}
