import Testing
import Transport
@testable import Server

/// When the relay rewrites the sender (mta_session.c at MAIL FROM): `relay srs`, a sender with an `@`, and a
/// forwarded envelope; the forwarder's domain is the domain of the recipient the client gave.
@Suite("SRS on relayed senders")
struct SRSRelaySenderTests {
    let codec = SRSCodec(key: "secret")

    func envelope(sender: String, rcpt: String, dest: String) -> QueuedEnvelope {
        QueuedEnvelope(sender: sender, rcpt: rcpt, dest: dest, action: "out", method: "relay", created: 0, expire: 0)
    }

    func sender(_ envelopes: [QueuedEnvelope], mailFrom: String? = nil, srs: SRSCodec?) -> String {
        OutboundTransaction.make(envelopes, body: [], mailFrom: mailFrom, srs: srs, now: SRSCodecTests.now) { $0.dest }
            .sender.description
    }

    @Test func aForwardedSenderIsRewrittenUnderTheRecipientsDomain() {
        let forwarded = envelope(sender: "alice@sender.example", rcpt: "me@forward.example", dest: "me@elsewhere.example")
        // SRS0=n6IZ…: the Python vector of SRSCodecTests.
        #expect(sender([forwarded], srs: codec) == "<SRS0=n6IZ=G3=sender.example=alice@forward.example>")
        #expect(sender([forwarded], srs: nil) == "<alice@sender.example>")
    }

    @Test func mailFromIsAppliedFirst() {
        let forwarded = envelope(sender: "carol@other.example", rcpt: "me@forward.example", dest: "me@elsewhere.example")
        #expect(sender([forwarded], mailFrom: "alice@sender.example", srs: codec)
            == "<SRS0=n6IZ=G3=sender.example=alice@forward.example>")
    }

    @Test func mailThatWasNotForwardedOrIsABounceKeepsItsSender() {
        let direct = envelope(sender: "alice@sender.example", rcpt: "bob@elsewhere.example", dest: "bob@elsewhere.example")
        #expect(sender([direct], srs: codec) == "<alice@sender.example>")
        let bounce = envelope(sender: "", rcpt: "me@forward.example", dest: "me@elsewhere.example")
        #expect(sender([bounce], srs: codec) == "<>")
        let unqualified = envelope(sender: "alice", rcpt: "me@forward.example", dest: "me@elsewhere.example")
        #expect(sender([unqualified], srs: codec) == "<alice>")
    }

    @Test func theFirstEnvelopeDecidesForTheTransaction() {
        let direct = envelope(sender: "alice@sender.example", rcpt: "bob@elsewhere.example", dest: "bob@elsewhere.example")
        let forwarded = envelope(sender: "alice@sender.example", rcpt: "me@forward.example", dest: "me@elsewhere.example")
        #expect(sender([direct, forwarded], srs: codec) == "<alice@sender.example>")
        #expect(sender([forwarded, direct], srs: codec) == "<SRS0=n6IZ=G3=sender.example=alice@forward.example>")
    }
}
