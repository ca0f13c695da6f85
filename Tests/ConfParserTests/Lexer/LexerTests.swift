import Testing
@testable import ConfParser

@Suite("Lexer")
struct LexerTests {
    private func kinds(_ text: String, files: [String: String] = [:]) -> [Token.Kind] {
        var all = files
        all["F"] = text
        var lexer = Lexer(reader: InMemorySourceReader(files: all))
        _ = lexer.openTopFile("F")
        var out: [Token.Kind] = []
        while true {
            let token = lexer.next()
            if token.kind == .endOfInput { break }
            out.append(token.kind)
        }
        return out
    }

    @Test func keywordsAreCaseSensitiveAndQuotingMakesStrings() {
        #expect(kinds("action ACTION \"action\"") == [.keyword(.action), .string("ACTION"), .string("action"), .newline])
    }

    @Test func commentsRunToEndOfLineAndHashEndsAWord() {
        #expect(kinds("mbox#x y\nz") == [.keyword(.mbox), .newline, .string("z"), .newline])
        #expect(kinds("\"a#b\"") == [.string("a#b"), .newline])
    }

    @Test func backslashNewlineJoinsLinesEvenInComments() {
        #expect(kinds("a \\\nb") == [.string("a"), .string("b"), .newline])
        #expect(kinds("# c \\\nb\nz") == [.newline, .string("z"), .newline])
        #expect(kinds("ex\\ample") == [.string("example"), .newline])
    }

    @Test func quotedStrings() {
        #expect(kinds("'a b' \"c\\\"d\"") == [.string("a b"), .string("c\"d"), .newline])
        #expect(kinds("\"x\\yz\"") == [.string("x\\yz"), .newline])
        #expect(kinds("\"ab\ncd\"") == [.string("abcd"), .newline])
    }

    @Test func numbersEndOnlyAtCertainCharacters() {
        #expect(kinds("25 -3 35M 4d 10.0.0.1 2a02::1") == [
            .number(25), .number(-3), .string("35M"), .string("4d"), .string("10.0.0.1"), .string("2a02::1"), .newline,
        ])
        #expect(kinds("10/8") == [.number(10), .punctuation(UInt8(ascii: "/")), .number(8), .newline])
        #expect(kinds("- x") == [.punctuation(UInt8(ascii: "-")), .string("x"), .newline])
    }

    @Test func numberOutOfRange() {
        var lexer = Lexer(reader: InMemorySourceReader(files: ["F": "99999999999999999999\nx"]))
        _ = lexer.openTopFile("F")
        #expect(lexer.next().kind == .lexError)
        #expect(lexer.takeDiagnostics().map(\.message) == ["\"99999999999999999999\" invalid number: too large"])
    }

    @Test func wordsStopAtReservedPunctuation() {
        #expect(kinds("file:/etc/x smtp+tls://u@h:587 a,b <t>") == [
            .string("file:/etc/x"), .string("smtp+tls://u@h:587"), .string("a"), .punctuation(UInt8(ascii: ",")),
            .string("b"), .punctuation(UInt8(ascii: "<")), .string("t"), .punctuation(UInt8(ascii: ">")), .newline,
        ])
        #expect(kinds("/etc/x") == [.punctuation(UInt8(ascii: "/")), .string("etc/x"), .newline])
        #expect(kinds("k => v") == [.string("k"), .arrow, .string("v"), .newline])
    }

    @Test func macrosExpandAtTokenStartAndMayGiveSeveralTokens() {
        var lexer = Lexer(reader: InMemorySourceReader(files: ["F": "$opts foo$d \"$d\""]))
        lexer.define("opts", "pki x auth")
        lexer.define("d", "y")
        _ = lexer.openTopFile("F")
        var out: [Token.Kind] = []
        while true {
            let t = lexer.next()
            if t.kind == .endOfInput { break }
            out.append(t.kind)
        }
        #expect(out == [.keyword(.pki), .string("x"), .keyword(.auth), .string("foo$d"), .string("$d"), .newline])
    }

    @Test func dollarInsideAnExpansionIsNotExpandedAgain() {
        var lexer = Lexer(reader: InMemorySourceReader(files: ["F": "$b"]))
        lexer.define("a", "x")
        lexer.define("b", "$a")
        _ = lexer.openTopFile("F")
        #expect(lexer.next().kind == .punctuation(UInt8(ascii: "$")))
    }

    @Test func lineNumbersFollowContinuationsAndQuotedNewlines() {
        var lexer = Lexer(reader: InMemorySourceReader(files: ["F": "a\n\"b\nc\" d\ne \\\nf"]))
        _ = lexer.openTopFile("F")
        var lines: [Int] = []
        while true {
            let t = lexer.next()
            if t.kind == .endOfInput { break }
            if t.kind != .newline { lines.append(t.line) }
        }
        #expect(lines == [1, 2, 3, 4, 5])
    }

    @Test func aMissingFinalNewlineIsSupplied() {
        #expect(kinds("a") == [.string("a"), .newline])
    }

    @Test func nulInsideQuotesIsAnError() {
        var lexer = Lexer(reader: InMemorySourceReader(bytes: ["F": Array("\"a\0b\" c\nd".utf8)]))
        _ = lexer.openTopFile("F")
        #expect(lexer.next().kind == .lexError)
        #expect(lexer.next().kind == .string("d"))
    }

    @Test func overlongTokensAreRefused() {
        let long = String(repeating: "a", count: 9000)
        var lexer = Lexer(reader: InMemorySourceReader(files: ["F": long + "\nb"]))
        _ = lexer.openTopFile("F")
        #expect(lexer.next().kind == .lexError)
        #expect(lexer.takeDiagnostics().map(\.message) == ["string too long"])
        #expect(lexer.next().kind == .string("b"))
    }

    @Test func unterminatedQuoteReportsEndOfFile() {
        var lexer = Lexer(reader: InMemorySourceReader(files: ["F": "\"abc"]))
        _ = lexer.openTopFile("F")
        #expect(lexer.next().kind == .endOfInput)
        #expect(lexer.takeDiagnostics().map(\.message) == ["reached end of file while parsing quoted string"])
    }
}
