import Testing
import RuleEngine

/// `smtpctl route` on the seed's configuration: typed results, text and JSON.
@Suite struct RouteExplainerTests {
    let fixture = EngineFixture(SeedExpansionTests.config, tableFiles: SeedExpansionTests.tableFiles)

    func explain(_ request: RouteRequest) throws -> RouteExplanation {
        try RouteExplainer.explain(request, config: fixture.config, tables: fixture.provider, files: FakeFiles())
    }

    @Test func virtualUserFromTheSocket() throws {
        let explanation = try explain(RouteRequest(recipient: "batman@athome.tld", serverName: "mail.example.org"))
        #expect(explanation.decision == .accept)
        #expect(explanation.line == 20)
        #expect(explanation.action == "virtual_maildir")
        #expect(explanation.ruleText == "match from any for domain \"athome.tld\" action \"virtual_maildir\"")
        #expect(explanation.json == """
            {"decision": "accept", "line": 20, "rule": "match from any for domain \\"athome.tld\\" action \\"virtual_maildir\\"", "action": "virtual_maildir", "deliveries": [{"rcpt": "batman@athome.tld", "dest": "batman@athome.tld", "method": "maildir", "path": "/var/vmail/athome.tld/batman/Maildir", "user": "_vmail"}]}
            """)
        #expect(explanation.text == """
            session:   local socket, authenticated, mail from <>
            rule:      line 20: match from any for domain "athome.tld" action "virtual_maildir"
            action:    virtual_maildir
            decision:  accept
            deliveries:
              batman@athome.tld: maildir /var/vmail/athome.tld/batman/Maildir (user _vmail)
            expansion:
              batman@athome.tld: rule 1 (line 20) → action virtual_maildir
              virtual batman@athome.tld → _vmail
                user _vmail: uid 2000, home /var/vmail
                _vmail: no .forward, deliver

            """)
    }

    @Test func heroesListBothDeliveries() throws {
        let explanation = try explain(RouteRequest(recipient: "<heroes@athome.tld>", clientAddress: "203.0.113.9"))
        #expect(explanation.deliveries.map(\.dest) == ["batman@athome.tld", "superman@athome.tld"])
        #expect(explanation.deliveries.map(\.rcpt) == ["heroes@athome.tld", "heroes@athome.tld"])
        #expect(explanation.deliveries.map(\.path) == [
            "/var/vmail/athome.tld/batman/Maildir", "/var/vmail/athome.tld/superman/Maildir",
        ])
    }

    @Test func unknownVirtualUserIsRejected() throws {
        let explanation = try explain(RouteRequest(recipient: "unknown@athome.tld", clientAddress: "203.0.113.9"))
        #expect(explanation.decision == .reject)
        #expect(explanation.json == """
            {"decision": "reject", "line": 20, "rule": "match from any for domain \\"athome.tld\\" action \\"virtual_maildir\\"", "action": "virtual_maildir", "reply": "524 5.2.4 Mailing list expansion problem: <unknown@athome.tld>", "reason": "no virtual entry for unknown@athome.tld", "deliveries": []}
            """)
    }

    @Test func relayWithAuthentication() throws {
        let explanation = try explain(RouteRequest(
            recipient: "friend@example.com", sender: "batman@athome.tld", clientAddress: "203.0.113.9",
            authenticatedUser: "batman@athome.tld", tls: true))
        #expect(explanation.decision == .accept)
        #expect(explanation.action == "sendthismail")
        #expect(explanation.json == """
            {"decision": "accept", "line": 24, "rule": "match from any for any auth action \\"sendthismail\\"", "action": "sendthismail", "deliveries": [{"rcpt": "friend@example.com", "dest": "friend@example.com", "method": "relay", "mx": "example.com"}]}
            """)
        #expect(explanation.text.contains("  friend@example.com: relay to the MX hosts of example.com\n"))
        #expect(explanation.session
            == "client 203.0.113.9, auth batman@athome.tld, tls, mail from <batman@athome.tld>")
    }

    @Test func openRelayIsRefused() throws {
        let explanation = try explain(RouteRequest(recipient: "friend@example.com", clientAddress: "203.0.113.9"))
        #expect(explanation.decision == .reject)
        #expect(explanation.line == nil)
        #expect(explanation.json == """
            {"decision": "reject", "reply": "550 Invalid recipient: <friend@example.com>", "reason": "no rule matched for friend@example.com", "deliveries": []}
            """)
        #expect(explanation.text.hasPrefix("""
            session:   client 203.0.113.9, mail from <>
            rule:      no rule matched
            decision:  reject (550 Invalid recipient: <friend@example.com>)
            reason:    no rule matched for friend@example.com

            """))
    }

    @Test func temporaryFailureIsTempfail() throws {
        let fixture = EngineFixture(
            SeedExpansionTests.config, tableFiles: SeedExpansionTests.tableFiles,
            extraTables: ["virtuals": FakeTable.failing("virtuals")])
        let explanation = try RouteExplainer.explain(
            RouteRequest(recipient: "batman@athome.tld"), config: fixture.config, tables: fixture.provider,
            files: FakeFiles())
        #expect(explanation.decision == .tempfail)
        #expect(explanation.reply == "424 4.2.4 Mailing list expansion problem: <batman@athome.tld>")
    }

    @Test func bareUserGetsTheServerName() throws {
        let explanation = try explain(RouteRequest(recipient: "postmaster", serverName: "mail.example.org"))
        #expect(explanation.deliveries.map(\.dest) == ["postmaster@mail.example.org"])
        #expect(explanation.deliveries.map(\.path) == ["/home/joe/Maildir"])
    }

    @Test func badInput() {
        #expect(throws: RouteError.self) { try explain(RouteRequest(recipient: "a b@example.org")) }
        #expect(throws: RouteError.self) { try explain(RouteRequest(recipient: "joe@x.org", clientAddress: "nope")) }
        #expect(throws: RouteError.self) {
            try explain(RouteRequest(recipient: "joe@x.org", clientAddress: "192.0.2.1", socket: true))
        }
        #expect(throws: RouteError.self) { try explain(RouteRequest(recipient: "joe@x.org", sender: "a@@")) }
    }

    @Test func jsonEscapes() throws {
        let config = """
            action "m" mda "/usr/bin/deliver \\"%{rcpt}\\"\tx"
            match from any for any action "m"

            """
        let fixture = EngineFixture(config)
        let explanation = try RouteExplainer.explain(
            RouteRequest(recipient: "joe@mail.example.org"), config: fixture.config, tables: fixture.provider,
            files: FakeFiles())
        #expect(explanation.json.contains(#""command": "/usr/bin/deliver \"joe@mail.example.org\"\tx""#))
    }

    @Test func rootDeliveryIsFlagged() throws {
        let config = """
            action "local" maildir
            match from any for any action "local"

            """
        let fixture = EngineFixture(config)
        let explanation = try RouteExplainer.explain(
            RouteRequest(recipient: "root@mail.example.org"), config: fixture.config, tables: fixture.provider,
            files: FakeFiles())
        #expect(explanation.deliveries.first?.path == "/root/Maildir")
        #expect(explanation.deliveries.first?.note == "OpenSMTPD refuses to deliver as root except to mbox")
    }
}
