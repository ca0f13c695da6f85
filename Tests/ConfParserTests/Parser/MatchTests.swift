import Testing
@testable import ConfParser

@Suite("Parser: match")
struct MatchTests {
    private let prelude = "action \"a\" mbox\n"

    @Test func everyCriterionWithNegationAndRegex() {
        let p = Parsed(prelude + """
            match !from src { 10.0.0.0/8 } !for domain regex { "^ex" } tag T !helo { "*.x" } tls auth <"t"> mail-from "@x" rcpt-to regex ".*" action "a"
            match from rdns for rcpt-to { "a@b" } action "a"
            match from rdns regex { "x" } reject
            match from socket action "a"
            match from auth regex { "^a" } for any action "a"
            match from mail-from { "@x" } action "a"
            match action "a"
            """.replacingOccurrences(of: "<\"t\">", with: "{ u }"))
        #expect(!p.failed, "\(p.lines)")
        let r = p.config.rules[0]
        #expect(r.from == .init(negated: true, source: .src(.inline(.list(["10.0.0.0/8"])), regex: false)))
        #expect(r.destination == .init(negated: true, destination: .domain(.inline(.list(["^ex"])), regex: true)))
        #expect(r.tls == false && r.tag?.table == .string("T") && r.helo?.negated == true)
        #expect(r.rcptTo?.regex == true)
        #expect(p.config.rules[1].destination == .init(destination: .any))
        #expect(p.config.rules[1].rcptTo?.table == .inline(.list(["a@b"])))
        #expect(p.config.rules[4].auth?.regex == true && p.config.rules[4].from == .init(source: .any))
        #expect(p.config.rules[6].decision == .action("a"))
    }

    @Test(arguments: [
        ("match from any from any action \"a\"", "F:2: from already specified for this rule"),
        ("match from auth auth action \"a\"", "F:2: auth already specified for this rule"),
        ("match tls !tls action \"a\"", "F:2: tls already specified for this rule"),
        ("match for domain { a = b } action \"a\"", "F:2: table \"<dynamic:0>\" may not be used for 'for' lookups"),
        ("match action \"nope\"", "F:2: no such dispatcher: nope"),
        ("match from src <nope> action \"a\"", "F:2: no such table: nope"),
    ])
    func errors(_ text: String, _ first: String) {
        #expect(Parsed(prelude + text).lines.first == first)
    }

    @Test func authThenFromAuthIsAcceptedSilently() {
        #expect(!Parsed(prelude + "match auth from auth action \"a\"").failed)
    }

    @Test func fileTableTypeComesFromItsContents() {
        let tables = ["/t": "::1\n", "/l": "# @list\n::1\n", "/d": "example.org\nexample.com\n"]
        #expect(Parsed("table t \"/t\"\n" + prelude + "match from src <t> action \"a\"", tables: tables).lines
                    == ["F:3: table \"t\" may not be used for from lookups", "warn: no rules, nothing to do"])
        #expect(!Parsed("table l \"/l\"\n" + prelude + "match from src <l> action \"a\"", tables: tables).failed)
        #expect(!Parsed("table d file:/d\n" + prelude + "match for domain <d> action \"a\"", tables: tables).failed)
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
