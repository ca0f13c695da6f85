import ConfParser
import RuleEngine
import Testing

/// Bounces to SRS addresses: decoded before the rules, then routed as internal (`from local`) addresses, as
/// OpenSMTPD's `lka_expand` does. The decoder is a stand-in; the real one (with the checksum) is the server's.
@Suite struct SRSExpansionTests {
    static let config = """
        srs key "secret"
        table virt { "alias@fwd.example" = "friend@elsewhere.example" }
        action "v" maildir "/var/vm/%{dest.user}" virtual <virt>
        action "out" relay srs
        match from any for domain "fwd.example" action "v"
        match from local for any action "out"

        """

    /// Knows one valid address; records what it was asked.
    struct TableDecoder: SRSDecoding {
        func decode(_ recipient: MailAddress) -> MailAddress? {
            recipient.text == "SRS0=good=G3=sender.example=alice@fwd.example"
                ? MailAddress(user: "alice", domain: "sender.example") : nil
        }
    }

    let fixture = EngineFixture(config)

    func expand(_ rcpt: String, from sender: String) -> ExpansionResult {
        let expander = try! RecipientExpander(
            config: fixture.config, ruleset: fixture.ruleset(), tables: fixture.provider, srs: TableDecoder())
        return expander.expand(RecipientRequest(.remote(), from: sender, to: rcpt))
    }

    @Test func aBounceToAValidAddressIsRelayedToTheOriginalSender() {
        let result = expand("SRS0=good=G3=sender.example=alice@fwd.example", from: "")
        #expect(result.deliveries == ["alice@sender.example relay mx:sender.example -"])
        // The envelope keeps the RCPT the client gave.
        #expect(result.envelopes.first?.rcpt.text == "SRS0=good=G3=sender.example=alice@fwd.example")
        #expect(result.steps.contains { $0.text.contains("SRS decoded to alice@sender.example") })
    }

    @Test func thePrefixIsMatchedInAnyCase() {
        let decoder = TableDecoder()
        #expect(MailAddress(text: "srs0=x@y").looksLikeSRS && MailAddress(text: "Srs1=x@y").looksLikeSRS)
        #expect(!MailAddress(text: "SRS2=x@y").looksLikeSRS && !MailAddress(text: "SRS0x@y").looksLikeSRS)
        #expect(decoder.decode(MailAddress(text: "alice@fwd.example")) == nil)
    }

    @Test func onlyBouncesAreDecoded() {
        // With a sender, the address goes to the rules as written: no virtual entry for it.
        let result = expand("SRS0=good=G3=sender.example=alice@fwd.example", from: "mallory@evil.example")
        #expect(result.replyLine == "524 5.2.4 Mailing list expansion problem: <SRS0=good=G3=sender.example=alice@fwd.example>")
    }

    @Test func anAddressThatDoesNotDecodeGoesOnAsWritten() {
        let result = expand("SRS0=forged=G3=sender.example=alice@fwd.example", from: "")
        #expect(result.replyLine == "524 5.2.4 Mailing list expansion problem: <SRS0=forged=G3=sender.example=alice@fwd.example>")
        #expect(result.steps.contains { $0.text.contains("SRS failed to decode") })
    }

    @Test func withoutADecoderNothingIsDecoded() {
        let result = fixture.expand("SRS0=good=G3=sender.example=alice@fwd.example", from: "")
        #expect(result.refusal != nil)
    }

    @Test func smtpctlRouteShowsTheDecodedAddress() throws {
        let explanation = try RouteExplainer.explain(
            RouteRequest(recipient: "SRS0=good=G3=sender.example=alice@fwd.example", clientAddress: "192.0.2.1"),
            config: fixture.config, tables: fixture.provider, files: FakeFiles(), srs: TableDecoder())
        #expect(explanation.deliveries.map(\.dest) == ["alice@sender.example"])
        #expect(explanation.text.contains("SRS decoded to alice@sender.example"))
    }

    @Test func ordinaryAddressesAreLeftAlone() {
        let result = expand("alias@fwd.example", from: "")
        #expect(result.deliveries == ["friend@elsewhere.example relay mx:elsewhere.example -"])
    }
}
