import Testing
@testable import ConfParser

@Suite("Parser: statements and error recovery")
struct GrammarTests {
    @Test func minimalConfig() {
        let p = Parsed("action \"a\" mbox\nmatch for local action \"a\"\n")
        #expect(!p.failed)
        #expect(p.lines.isEmpty)
        #expect(p.config.rules.count == 1)
        #expect(p.config.rules[0].from == .init(source: .local))
        #expect(p.config.rules[0].destination == .init(destination: .local))
    }

    @Test func noRules() {
        let p = Parsed("table t { a }\n")
        #expect(p.failed)
        #expect(p.lines == ["warn: no rules, nothing to do"])
    }

    @Test func errorsWithinThreeTokensAreSuppressedButStillFail() {
        let p = Parsed("bogus one\nbogus two\naction \"a\" mbox\nbogus three\nmatch for local action \"a\"\n")
        #expect(p.failed)
        #expect(p.lines == ["F:1: syntax error", "F:4: syntax error"])
        #expect(p.result.diagnostics.filter { $0.severity == .suppressedError }.map { $0.location?.line } == [2])
    }

    @Test func undefinedMacroAlsoSkipsTheNextLine() {
        let p = Parsed("listen on $nope\naction \"a\" mbox\nmatch for local action \"a\"\n")
        #expect(p.lines == ["F:1: macro 'nope' not defined", "F:1: syntax error", "F:3: no such dispatcher: a",
                            "warn: no rules, nothing to do"])
    }

    @Test func commandLineMacroWinsOverTheFile() {
        let p = Parsed("m = \"b\"\naction $m mbox\nmatch for local action \"a\"\n", macros: [("m", "a")])
        #expect(!p.failed)
        #expect(p.config.actions.map(\.name) == ["a"])
    }

    @Test func macroValuesMustBeStrings() {
        #expect(Parsed.withRule("p = 25").lines == ["F:1: syntax error"])
        #expect(Parsed.withRule("port = \"25\"").lines == ["F:1: syntax error"])
        #expect(Parsed.withRule("\"a b\" = \"x\"").lines == ["F:1: macro name cannot contain whitespace"])
    }

    @Test func crlfFailsOnEveryLine() {
        let p = Parsed("action \"a\" mbox\r\nmatch for local action \"a\"\r\n")
        // The rule on line 2 is complete before the stray \r is read, so it counts: no "no rules" warning.
        #expect(p.lines == ["F:1: syntax error", "F:2: syntax error"])
        #expect(p.result.diagnostics.contains { $0.hint?.contains("CRLF") == true || $0.detail?.contains("0x0D") == true })
    }

    @Test func includeReportsTheIncludedFileAndItsLines() {
        let p = Parsed("include \"inc\"\nmatch for local action \"a\"\n",
                       files: ["inc": "action \"a\" mbox\nbogus\n"])
        #expect(p.lines == ["inc:2: syntax error"])
        #expect(p.failed)
    }

    @Test func includeOfAMissingFile() {
        let p = Parsed.withRule("include \"/nonexistent.conf\"")
        #expect(p.lines == ["pushfile: /nonexistent.conf: No such file or directory",
                            "F:1: failed to include file /nonexistent.conf"])
    }

    @Test func includeLoopIsRefusedNotFollowed() {
        let p = Parsed("include \"a\"\n", files: ["a": "include \"b\"\n", "b": "include \"a\"\naction \"x\" mbox\nmatch action \"x\"\n"])
        #expect(p.failed)
        #expect(p.lines.first == "b:1: failed to include file a")
        #expect(p.result.diagnostics.contains { $0.hint?.contains("include loop") == true })
    }

    @Test func keywordsCannotBeNamesUnlessQuoted() {
        #expect(Parsed("action relay relay\nmatch action relay\n").lines.first == "F:1: syntax error")
        #expect(!Parsed("action \"relay\" relay\nmatch action \"relay\"\n").failed)
    }

    @Test func protocolsIsAWordForOpenSMTPD68Configs() {
        #expect(!Parsed("action protocols mbox\nmatch action protocols\n").failed)
    }

    @Test func fatalErrorsStopAtOnce() {
        let p = Parsed("table t { a }\ntable t { b }\nbogus\n")
        #expect(p.lines == ["smtpd: table_create: table \"t\" already defined"])
        #expect(p.result.stoppedEarly)
    }

    @Test func legacyGrammarGetsAHint() {
        let p = Parsed.withRule("accept from any for domain example.org deliver to mbox")
        #expect(p.lines == ["F:1: syntax error"])
        #expect(p.result.diagnostics.first?.hint?.contains("pre-6.4") == true)
    }

    @Test func didYouMeanForActions() {
        let p = Parsed("action \"local_mail\" mbox\nmatch for local action \"local_mial\"\n")
        #expect(p.lines.first == "F:2: no such dispatcher: local_mial")
        #expect(p.result.diagnostics.first?.hint?.contains("local_mail") == true)
    }

    @Test(arguments: [
        "\u{0}\u{1}\u{2}garbage\u{ff}\u{fe}",
        "{{{{{{{{",
        "table t {",
        "\"unterminated",
        "listen on",
        "match",
        String(repeating: "x", count: 100_000),
        String(repeating: "table t { a,\n", count: 200),
        "include \"F\"",
    ])
    func badInputNeverCrashes(_ text: String) {
        let p = Parsed(text)
        #expect(p.failed)
    }
}
