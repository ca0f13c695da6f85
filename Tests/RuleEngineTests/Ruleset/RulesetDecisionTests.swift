import Testing
import ConfParser
import RuleEngine

/// Ordering, `reject`, the reply texts, and table failures.
@Suite struct RulesetDecisionTests {
    static let config = """
        table blocked { "spam.example" }
        table flaky { "x" }
        action "local" mbox
        action "out" relay
        match from any for domain <blocked> reject
        match from any for domain example.org action "local"
        match from any for domain "example.org" action "out"
        match auth from any for any action "out"

        """

    let remote = RecipientRequest(.remote(), to: "joe@example.org")

    @Test func firstMatchWins() {
        let ruleset = EngineFixture(Self.config).ruleset()
        #expect(ruleset.evaluate(RuleQuery(request: remote)) == .accept(ruleIndex: 1, action: "local"))
    }

    @Test func rejectRuleRefusesWithInvalidRecipient() {
        let ruleset = EngineFixture(Self.config).ruleset()
        let decision = ruleset.evaluate(RuleQuery(request: RecipientRequest(.remote(), to: "Bob@SPAM.example")))
        #expect(decision.summary == "reject 1")
        #expect(decision.reply?.line == "550 Invalid recipient: <Bob@SPAM.example>")
    }

    @Test func noMatchRefusesWithInvalidRecipient() {
        let ruleset = EngineFixture(Self.config).ruleset()
        let decision = ruleset.evaluate(RuleQuery(request: RecipientRequest(.remote(), to: "joe@elsewhere.net")))
        #expect(decision.summary == "reject")
        #expect(decision.reply?.line == "550 Invalid recipient: <joe@elsewhere.net>")
        #expect(decision.reply?.code == 550)
    }

    /// Routing an expanded address still names the RCPT the client gave.
    @Test func replyNamesTheOriginalRecipient() {
        let ruleset = EngineFixture(Self.config).ruleset()
        let query = RuleQuery(request: remote, destination: MailAddress(text: "x@elsewhere.net"), isInternal: true)
        #expect(ruleset.evaluate(query).reply?.line == "550 Invalid recipient: <joe@example.org>")
    }

    @Test func tableErrorIsATemporaryFailure() {
        let fixture = EngineFixture(Self.config, extraTables: ["blocked": FakeTable.failing("blocked")])
        let decision = fixture.ruleset().evaluate(RuleQuery(request: remote))
        #expect(decision.summary == "tempfail 1")
        #expect(decision.reply?.line == "451 Temporary failure: <joe@example.org>")
        #expect(decision.reply?.isTemporary == true)
        if case .tempfail(_, _, let reason) = decision { #expect(reason.contains("backend down")) }
    }

    /// A failure stops evaluation even though a later rule would match.
    @Test func failureStopsBeforeLaterRules() {
        let config = """
            table flaky { "x" }
            action "a" mbox
            match from any for domain <flaky> action "a"
            match from any for any action "a"

            """
        let fixture = EngineFixture(config, extraTables: ["flaky": FakeTable.failing("flaky")])
        #expect(fixture.ruleset().evaluate(RuleQuery(request: remote)).summary == "tempfail 1")
    }

    /// Criteria are checked in order and the first mismatch ends the rule, so a failing table behind it is
    /// never asked: here `from src` (checked before `for`) does not match.
    @Test func failingTableBehindAMismatchIsNotAsked() {
        let config = """
            table nets { 203.0.113.0/24 }
            table flaky { "x" }
            action "a" mbox
            match from src <nets> for domain <flaky> action "a"
            match from any for any action "a"

            """
        let fixture = EngineFixture(config, extraTables: ["flaky": FakeTable.failing("flaky")])
        #expect(fixture.ruleset().evaluate(RuleQuery(request: remote)).summary == "accept 2 a")
    }

    /// `tag` is the first criterion checked, so its failure wins although `for` would not have matched.
    @Test func tagIsCheckedBeforeFor() {
        let config = """
            table flaky { "x" }
            action "a" mbox
            match tag <flaky> from any for domain "nowhere.example" action "a"
            match from any for any action "a"

            """
        let fixture = EngineFixture(config, extraTables: ["flaky": FakeTable.failing("flaky")])
        #expect(fixture.ruleset().evaluate(RuleQuery(request: remote)).summary == "tempfail 1")
    }

    @Test func tlsMatchesTLSSessionsInTern() {
        let config = """
            action "a" mbox
            action "b" mbox
            match tls from any for any action "a"
            match from any for any action "b"

            """
        var secure = SessionFacts.remote()
        secure.tls = true
        let ruleset = EngineFixture(config).ruleset()
        #expect(ruleset.evaluate(RuleQuery(request: RecipientRequest(secure, to: "j@x.org"))).summary == "accept 1 a")
        #expect(ruleset.evaluate(RuleQuery(request: RecipientRequest(.remote(), to: "j@x.org"))).summary == "accept 2 b")
    }

    /// OpenSMTPD never implemented the check: any recipient reaching the rule fails temporarily, TLS or not.
    @Test func tlsAlwaysFailsUnderOpenSMTPDRules() {
        let config = """
            action "a" mbox
            match from any for domain "other.org" action "a"
            match !tls from any for any action "a"
            match from any for any action "a"

            """
        var secure = SessionFacts.remote()
        secure.tls = true
        let ruleset = EngineFixture(config).ruleset(.openSMTPD)
        for session in [secure, SessionFacts.remote()] {
            let decision = ruleset.evaluate(RuleQuery(request: RecipientRequest(session, to: "j@x.org")))
            #expect(decision.summary == "tempfail 2")
            #expect(decision.reply?.line == "451 Temporary failure: <j@x.org>")
        }
        // A rule before it that matches is unaffected.
        #expect(ruleset.evaluate(RuleQuery(request: RecipientRequest(secure, to: "j@other.org"))).summary
            == "accept 1 a")
    }

    @Test func missingBuiltinTableIsReportedWhenBuilding() {
        let fixture = EngineFixture(Self.config, kind: .fake)
        var tables = fixture.tables
        tables.tables[BuiltinTableName.anyhost] = nil
        #expect(throws: MissingTableError.self) { try Ruleset(config: fixture.config, tables: tables) }
    }

    @Test func ruleLocationsAreKept() {
        let ruleset = EngineFixture(Self.config).ruleset()
        #expect(ruleset.count == 4)
        #expect(ruleset.location(ofRule: 0).line == 5)
        #expect(ruleset.location(ofRule: 3).line == 8)
    }
}
