import Testing
import RuleEngine

/// One envelope against one rule: every criterion, with and without `!`. The rule under test is the only one,
/// so anything but "accept 1 a" means it did not match.
struct CriterionCase: Sendable, CustomTestStringConvertible {
    var rule: String
    var session: SessionFacts
    var sender = "sender@example.net"
    var rcpt = "joe@example.org"
    var expanded = false
    var expected: String

    var testDescription: String { "\(rule) ← \(session.clientAddress) \(rcpt) → \(expected)" }
}

private let config = """
    table domains { example.org, "*.example.com" }
    table nets { 192.0.2.0/24, "2001:db8::/32" }
    table names { mx.example.net }
    table helos { "*.example.net" }
    table users { joe, "admin@example.org" }
    table mfrom { "@example.net" }
    table rcpts { "joe@example.org" }
    table tags { "MX" }
    table dregex { "^ex.*\\.org$" }
    table hasLocal { "local" }
    action "a" mbox

    """

private let accept = "accept 1 a"
private let none = "reject"

private let remote = SessionFacts.remote()
private let outside = SessionFacts.remote("198.51.100.7")
private let socket = SessionFacts.localSocket(serverName: "mail.example.org")
private let loopback = SessionFacts.remote("127.0.0.1")
private let v6 = SessionFacts.remote("[2001:db8::5]")
private var named: SessionFacts { var s = remote; s.reverseName = "MX.example.net"; return s }
private var tagged: SessionFacts { var s = remote; s.listenerTag = "MX"; return s }
private var heloed: SessionFacts { var s = remote; s.helo = "a.example.net"; return s }
private var joe: SessionFacts { var s = remote; s.authenticatedUser = "joe"; return s }
private var admin: SessionFacts { var s = remote; s.authenticatedUser = "Admin@Example.org"; return s }
private var secure: SessionFacts { var s = remote; s.tls = true; return s }

private let cases: [CriterionCase] = [
    // Defaults: from local, for local.
    .init(rule: "match action a", session: loopback, rcpt: "joe@localhost", expected: accept),
    .init(rule: "match action a", session: socket, rcpt: "joe@mail.example.org", expected: accept),
    .init(rule: "match action a", session: remote, rcpt: "joe@localhost", expected: none),
    .init(rule: "match action a", session: loopback, rcpt: "joe@example.org", expected: none),
    // from
    .init(rule: "match from any for any action a", session: outside, expected: accept),
    .init(rule: "match from any for any action a", session: v6, expected: accept),
    .init(rule: "match !from any for any action a", session: outside, expected: none),
    .init(rule: "match from local for any action a", session: loopback, expected: accept),
    .init(rule: "match from local for any action a", session: remote, expected: none),
    .init(rule: "match ! from local for any action a", session: remote, expected: accept),
    .init(rule: "match from socket for any action a", session: socket, expected: accept),
    .init(rule: "match from socket for any action a", session: loopback, expected: none),
    .init(rule: "match !from socket for any action a", session: loopback, expected: accept),
    .init(rule: "match !from socket for any action a", session: socket, expected: none),
    .init(rule: "match from src <nets> for any action a", session: remote, expected: accept),
    .init(rule: "match from src <nets> for any action a", session: v6, expected: accept),
    .init(rule: "match from src <nets> for any action a", session: outside, expected: none),
    .init(rule: "match !from src <nets> for any action a", session: outside, expected: accept),
    .init(rule: "match from src regex \"^192\\.0\\.2\\.\" for any action a", session: remote, expected: accept),
    .init(rule: "match from src regex \"^192\\.0\\.2\\.\" for any action a", session: outside, expected: none),
    .init(rule: "match from rdns for any action a", session: named, expected: accept),
    .init(rule: "match from rdns for any action a", session: remote, expected: none),
    .init(rule: "match !from rdns for any action a", session: remote, expected: accept),
    .init(rule: "match from rdns <names> for any action a", session: named, expected: accept),
    // Without a reverse name, `from rdns T` fails even when negated.
    .init(rule: "match !from rdns <names> for any action a", session: remote, expected: none),
    .init(rule: "match from rdns regex \"example\\.net$\" for any action a", session: named, expected: accept),
    .init(rule: "match from auth for any action a", session: joe, expected: accept),
    .init(rule: "match from auth for any action a", session: remote, expected: none),
    .init(rule: "match !from auth for any action a", session: remote, expected: accept),
    .init(rule: "match from auth <users> for any action a", session: joe, expected: accept),
    .init(rule: "match from mail-from <mfrom> for any action a", session: outside, expected: accept),
    .init(rule: "match from mail-from <mfrom> for any action a", session: outside, sender: "x@example.org",
          expected: none),
    // for
    .init(rule: "match from any for domain <domains> action a", session: remote, expected: accept),
    .init(rule: "match from any for domain <domains> action a", session: remote, rcpt: "j@a.example.com",
          expected: accept),
    // `*.example.com` does not match two labels: the wildcard does not backtrack.
    .init(rule: "match from any for domain <domains> action a", session: remote, rcpt: "j@a.b.example.com",
          expected: none),
    .init(rule: "match from any for domain <domains> action a", session: remote, rcpt: "j@EXAMPLE.ORG",
          expected: accept),
    .init(rule: "match from any !for domain <domains> action a", session: remote, rcpt: "j@other.org",
          expected: accept),
    .init(rule: "match from any for domain example.org action a", session: remote, expected: accept),
    .init(rule: "match from any for domain regex <dregex> action a", session: remote, expected: accept),
    .init(rule: "match from any for domain regex <dregex> action a", session: remote, rcpt: "j@example.com",
          expected: none),
    .init(rule: "match from any for rcpt-to <rcpts> action a", session: remote, expected: accept),
    .init(rule: "match from any for rcpt-to <rcpts> action a", session: remote, rcpt: "joe+tag@example.org",
          expected: accept),
    .init(rule: "match from any for rcpt-to <rcpts> action a", session: remote, rcpt: "ann@example.org",
          expected: none),
    .init(rule: "match from any !for rcpt-to <rcpts> action a", session: remote, rcpt: "ann@example.org",
          expected: accept),
    .init(rule: "match from any for any action a", session: remote, rcpt: "joe@anything.example", expected: accept),
    .init(rule: "match from any !for any action a", session: remote, expected: none),
    // tag
    .init(rule: "match tag <tags> from any for any action a", session: tagged, expected: accept),
    .init(rule: "match tag \"MX\" from any for any action a", session: tagged, expected: accept),
    .init(rule: "match tag <tags> from any for any action a", session: remote, expected: none),
    .init(rule: "match !tag <tags> from any for any action a", session: remote, expected: accept),
    .init(rule: "match tag regex \"^m\" from any for any action a", session: tagged, expected: accept),
    // helo
    .init(rule: "match helo <helos> from any for any action a", session: heloed, expected: accept),
    .init(rule: "match helo <helos> from any for any action a", session: remote, expected: none),
    .init(rule: "match !helo <helos> from any for any action a", session: remote, expected: accept),
    .init(rule: "match helo regex \"^a\\.\" from any for any action a", session: heloed, expected: accept),
    // auth
    .init(rule: "match auth from any for any action a", session: joe, expected: accept),
    .init(rule: "match auth from any for any action a", session: socket, expected: accept),
    .init(rule: "match auth from any for any action a", session: remote, expected: none),
    .init(rule: "match !auth from any for any action a", session: remote, expected: accept),
    .init(rule: "match !auth from any for any action a", session: joe, expected: none),
    .init(rule: "match auth <users> from any for any action a", session: joe, expected: accept),
    // A name with `@` is compared as a mail address.
    .init(rule: "match auth <users> from any for any action a", session: admin, expected: accept),
    .init(rule: "match auth <users> from any for any action a", session: socket, expected: none),
    .init(rule: "match !auth <users> from any for any action a", session: remote, expected: accept),
    .init(rule: "match auth regex \"^jo\" from any for any action a", session: joe, expected: accept),
    // mail-from
    .init(rule: "match mail-from <mfrom> from any for any action a", session: remote, expected: accept),
    .init(rule: "match mail-from <mfrom> from any for any action a", session: remote, sender: "", expected: none),
    .init(rule: "match !mail-from <mfrom> from any for any action a", session: remote, sender: "a@b.org",
          expected: accept),
    .init(rule: "match mail-from regex \"^@$\" from any for any action a", session: remote, sender: "",
          expected: accept),
    // rcpt-to
    .init(rule: "match rcpt-to <rcpts> from any for any action a", session: remote, expected: accept),
    .init(rule: "match rcpt-to regex \"(?i)^JOE@\" from any for any action a", session: remote, expected: accept),
    // tls (Tern's behaviour)
    .init(rule: "match tls from any for any action a", session: secure, expected: accept),
    .init(rule: "match tls from any for any action a", session: remote, expected: none),
    .init(rule: "match !tls from any for any action a", session: remote, expected: accept),
    .init(rule: "match !tls from any for any action a", session: secure, expected: none),
    // Internal (expanded) addresses: the from key is `local`.
    .init(rule: "match from local for any action a", session: outside, expanded: true, expected: accept),
    .init(rule: "match from any for any action a", session: outside, expanded: true, expected: accept),
    .init(rule: "match from src <hasLocal> for any action a", session: outside, expanded: true, expected: accept),
    .init(rule: "match from src <nets> for any action a", session: remote, expanded: true, expected: none),
    .init(rule: "match from socket for any action a", session: socket, expanded: true, expected: none),
    .init(rule: "match !from socket for any action a", session: remote, expanded: true, expected: none),
    .init(rule: "match from rdns for any action a", session: named, expanded: true, expected: none),
    .init(rule: "match !from rdns for any action a", session: remote, expanded: true, expected: none),
    .init(rule: "match from rdns <hasLocal> for any action a", session: remote, expanded: true, expected: accept),
]

@Suite struct RulesetCriteriaTests {
    @Test(arguments: cases)
    func criterion(_ c: CriterionCase) {
        let fixture = EngineFixture(config + c.rule + "\n", kind: .fake)
        let request = RecipientRequest(c.session, from: c.sender, to: c.rcpt)
        let query = RuleQuery(request: request, destination: request.rcpt, isInternal: c.expanded)
        #expect(fixture.ruleset().evaluate(query).summary == c.expected)
    }

    /// The same cases with the real tables (`TableSet`): the rule engine and the matchers together.
    @Test(arguments: cases)
    func criterionWithRealTables(_ c: CriterionCase) {
        let fixture = EngineFixture(config + c.rule + "\n", kind: .real)
        let request = RecipientRequest(c.session, from: c.sender, to: c.rcpt)
        let query = RuleQuery(request: request, destination: request.rcpt, isInternal: c.expanded)
        #expect(fixture.ruleset().evaluate(query).summary == c.expected)
    }
}
