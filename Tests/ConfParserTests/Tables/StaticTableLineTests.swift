import Testing

@testable import ConfParser

/// How keys and values are cut out of lines (smtpd-conf.md §7.1).
@Suite("Table file lines")
struct StaticTableLineTests {
    @Test(
        "colon and whitespace rules of 6.8",
        arguments: [
            ("k: v", "v"),
            ("k v", "v"),
            ("k : v", "v"),
            ("k\tv", "v"),
            ("k:v", "v"),
            ("k :v", ":v"),
            ("k::v", ":v"),
            ("k: : v", "v"),
            ("k :", ":"),
            ("k   many   words  ", "many   words"),
            ("k: alice, bob", "alice, bob"),
            ("k \u{0B}\u{0C}v", "v"),
        ]
    )
    func mappingValue(line: String, value: String) throws {
        // A first line that is a mapping, so that `line` is read as one whatever it holds.
        let result = try TableTestSupport.parse("first entry\n" + line + "\n")
        #expect(result.contents.entries["k"] == .some(value))
    }

    @Test("there are no trailing comments")
    func noTrailingComments() throws {
        let result = try TableTestSupport.parse("example.com  # note\n")
        #expect(result.contents.kind == .hash)
        #expect(result.contents.entries == ["example.com": "# note"])
    }

    @Test("a list line keeps inner spaces")
    func listKeepsSpaces() throws {
        let result = try TableTestSupport.parse("# @list\n  foo   bar  \n")
        #expect(result.contents.entries == TableTestSupport.list("foo   bar"))
    }

    @Test("keys are lowercased (ASCII only, like tolower), values are not")
    func lowercasing() throws {
        let result = try TableTestSupport.parse("Root: Alice@Example.COM\nÉTÉ X\n")
        #expect(result.contents.entries == ["root": "Alice@Example.COM", "ÉtÉ": "X"])
    }

    @Test("list keys are lowercased too")
    func lowercasedList() throws {
        #expect(try TableTestSupport.parse("Example.COM\n").contents.entries == TableTestSupport.list("example.com"))
    }

    @Test("a later duplicate replaces the earlier entry, whatever its case")
    func duplicates() throws {
        let result = try TableTestSupport.parse("a one\nB two\nA three\nb four\n")
        #expect(result.contents.entries == ["a": "three", "b": "four"])
    }

    @Test("a key can be empty")
    func emptyKey() throws {
        #expect(try TableTestSupport.parse(": value\n").contents.entries == ["": "value"])
    }

    @Test("CRLF line ends are trimmed like any trailing whitespace")
    func crlf() throws {
        let result = try TableTestSupport.parse("a: b\r\nc d\r\n\r\n")
        #expect(result.contents.entries == ["a": "b", "c": "d"])
        #expect(result.warnings.isEmpty)
    }

    @Test("a last line without a newline counts")
    func noFinalNewline() throws {
        #expect(try TableTestSupport.parse("a b\nc d").contents.entries == ["a": "b", "c": "d"])
    }

    @Test("lookup order is strcmp order")
    func lookupOrder() throws {
        let result = try TableTestSupport.parse("# @list\nb\n*.a\na\nZ\né\n~\n")
        #expect(result.contents.keysInLookupOrder == ["*.a", "a", "b", "z", "~", "é"])
    }
}
