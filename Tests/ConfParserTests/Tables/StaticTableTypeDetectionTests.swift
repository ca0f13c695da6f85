import Testing

@testable import ConfParser

/// The first meaningful line decides whether a file is a list or a mapping (smtpd-conf.md §7.1).
@Suite("Table file type detection")
struct StaticTableTypeDetectionTests {
    @Test(
        "first data line decides",
        arguments: [
            ("example.com\n", TableContents.Kind.list),
            ("example.com other\n", .hash),
            ("a\tb\n", .hash),
            ("a:b\n", .hash),
            ("key:\tvalue\n", .hash),
            // A colon anywhere makes a hash in 6.8: `::1` reads as key "" with value ":1".
            ("::1\n", .hash),
            // \v and \f are whitespace for trimming but do not separate a key.
            ("a\u{0B}b\n", .list),
            ("\n\n   \n# comment\nexample.com\n", .list),
            ("# comment\nexample.com foo\n", .hash),
        ]
    )
    func firstDataLine(text: String, kind: TableContents.Kind) throws {
        #expect(try TableTestSupport.parse(text).contents.kind == kind)
    }

    @Test("later lines do not change the type")
    func laterLines() throws {
        let result = try TableTestSupport.parse("example.com\nfoo bar\na:b\n")
        #expect(result.contents.kind == .list)
        #expect(result.contents.entries == TableTestSupport.list("example.com", "foo bar", "a:b"))
    }

    @Test(
        "# @list forces a list before the first data line",
        arguments: ["# @list\n", "#@list\n", "#   @list\n", "#\t@list   \n", "  # @list\n"]
    )
    func listMarker(marker: String) throws {
        let result = try TableTestSupport.parse(marker + "::1\n127.0.0.1\n")
        #expect(result.contents.kind == .list)
        #expect(result.contents.entries == TableTestSupport.list("::1", "127.0.0.1"))
    }

    @Test("# @list is only a marker when spelled exactly", arguments: ["# @LIST\n", "# @list x\n", "# @lists\n"])
    func notAListMarker(marker: String) throws {
        #expect(try TableTestSupport.parse(marker + "a b\n").contents.kind == .hash)
    }

    @Test("# @list after the first data line is just a comment")
    func lateListMarker() throws {
        let result = try TableTestSupport.parse("a b\n# @list\nc d\n")
        #expect(result.contents.kind == .hash)
        #expect(result.contents.entries == ["a": "b", "c": "d"])
    }

    @Test(
        "an empty file, or one with only comments, is a hash",
        arguments: ["", "\n\n", "# just a comment\n", "  \t\n"]
    )
    func emptyIsHash(text: String) throws {
        let result = try TableTestSupport.parse(text)
        #expect(result.contents.kind == .hash)
        #expect(result.contents.entries.isEmpty)
        #expect(result.rules == .openSMTPD68)
    }
}
