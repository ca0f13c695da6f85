import Testing

@testable import ConfParser

/// Strings the lexer must read back exactly as they were printed.
@Suite("Printer quoting")
struct PrinterQuotingTests {
    /// The token kinds of a line of text, through the end of input (the lexer makes up the final newline).
    static func lex(_ text: String) -> [Token.Kind] {
        var lexer = Lexer(reader: InMemorySourceReader(files: ["/q": text]))
        guard lexer.openTopFile("/q") == nil else { return [] }
        var kinds: [Token.Kind] = []
        while true {
            let kind = lexer.next().kind
            if kind == .endOfInput { return kinds }
            kinds.append(kind)
        }
    }

    /// Every string of up to five characters over the bytes the lexer treats specially inside quotes.
    @Test func everyShortStringReadsBack() {
        let alphabet = ["a", "\\", "\"", "'", " ", "\t"]
        var strings = [""]
        var level = [""]
        for _ in 1...5 {
            level = level.flatMap { prefix in alphabet.map { prefix + $0 } }
            strings += level
        }
        var failures: [String] = []
        for string in strings where Self.lex(ConfigPrinter.quote(string)) != [.string(string), .newline] {
            failures.append(string)
        }
        #expect(failures.isEmpty, "\(failures.count) strings do not read back, e.g. \(failures.prefix(5))")
    }

    static let nastyStrings: [String] = [
        "", " ", "plain", "with space", "tab\there", "double\"quote", "single'quote", "both\"and'quotes",
        "\"", "'", "\"'", "back\\slash", "\\", "\\\\", "trailing\\", "trailing\\\\", "\\\"", "a\\\"b", "a\\ b",
        "a\\\\ b", "a\\\tb", "\\'\\\"", "# not a comment", "a#b", "$macro", "$", "foo$bar", "{ } < > ! = , =>",
        "unicode ✉️ 漢字 ünïcödé", "carriage\rreturn", "\\n is not a newline", "%{rcpt} | /bin/sh -c 'x'",
        "relay", "domain", "protocols", "25", "-1", "4d",
    ]

    @Test(arguments: nastyStrings)
    func nastyStringReadsBack(_ string: String) {
        #expect(Self.lex(ConfigPrinter.quote(string)) == [.string(string), .newline])
    }

    @Test func quoteCharacterChoice() {
        #expect(ConfigPrinter.quote("plain") == #""plain""#)
        #expect(ConfigPrinter.quote(#"say "hi""#) == #"'say "hi"'"#)
        #expect(ConfigPrinter.quote(#"it's "x""#) == #""it's \"x\"""#)
        #expect(ConfigPrinter.quote(#"a\b"#) == #""a\b""#)
        #expect(ConfigPrinter.quote(#"a\ b"#) == #""a\\ b""#)
        #expect(ConfigPrinter.quote(#"C:\"#) == "\"C:\\\\\n\"")
    }

    /// A newline, NUL, 0x01 or 0x02 cannot be written inside quotes; the printer leaves them out.
    @Test(arguments: ["a\nb", "a\u{0}b", "a\u{1}b", "a\u{2}b"])
    func unrepresentableBytesAreLeftOut(_ string: String) {
        #expect(Self.lex(ConfigPrinter.quote(string)) == [.string("ab"), .newline])
    }

    static let words: [(String, Bool)] = [
        ("4d", true), ("35M", true), ("1.5G", true), ("max-conn-per-host", true), ("auto", true), ("_a", true),
        (":x", true), ("10.0.0.0/8", true), ("a/b", true),
        ("25", false), ("007", false), ("10/8", false), ("-1", false), ("+4d", false), ("", false), ("a b", false),
        ("a#b", false), ("a,b", false), ("a=b", false), ("a\\b", false), ("é", false), ("relay", false),
        ("protocols", false), ("/etc/x", false), ("@x", false), ("\"x\"", false),
    ]

    /// `isBareWord` says yes only for words the lexer reads back as that one word.
    @Test(arguments: words)
    func bareWords(_ word: String, _ bare: Bool) {
        #expect(ConfigPrinter.isBareWord(word) == bare)
        #expect(Self.lex(ConfigPrinter.word(word)) == [.string(word), .newline])
    }

    /// Nasty strings in every free-text position of a configuration survive a round trip.
    @Test(arguments: nastyStrings)
    func nastyStringsInAConfiguration(_ nasty: String) {
        PrinterTestSupport.expectRoundTrip(PrinterSamples.nastyConfig(nasty, interface: nasty))
    }
}
