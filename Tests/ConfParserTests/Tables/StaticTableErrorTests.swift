import Testing

@testable import ConfParser

/// Files neither OpenSMTPD version accepts, and files only 7.x accepts.
@Suite("Table file errors")
struct StaticTableErrorTests {
    @Test("a mapping line without a value invalidates the file, with 6.8's message")
    func missingValue() throws {
        let error = try #require(TableTestSupport.error("a: b\nc\n"))
        #expect(error.logLines == ["/t: invalid map entry line 2"])
        #expect(error.path == "/t")
        #expect(error.line == 2)
        #expect(error.reason.hasPrefix("line 2 has a key but no value; the file is a mapping because its first entry"))
    }

    @Test("line numbers count blank lines and comments", arguments: ["k:\n", "k:  \t\n", "k\t\t\n"])
    func lineNumbers(badLine: String) throws {
        let error = try #require(TableTestSupport.error("\n# c\n\na b\n\n" + badLine))
        #expect(error.logLines == ["/t: invalid map entry line 6"])
    }

    @Test("the first line itself can lack a value")
    func firstLineWithoutValue() throws {
        let error = try #require(TableTestSupport.error("key:\n"))
        #expect(error.logLines == ["/t: invalid map entry line 1"])
        #expect(error.reason == "line 1 has a key but no value")
    }

    @Test("a missing file logs fopen's error")
    func missingFile() throws {
        do throws(TableLoadError) {
            _ = try StaticTableFile.load(path: "/nonexistent/x")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.logLines == ["/nonexistent/x: fopen: No such file or directory"])
            #expect(error.path == "/nonexistent/x")
            #expect(error.line == nil)
        }
    }

    @Test("a directory opens but cannot be read, as with fopen and getline")
    func directory() throws {
        do throws(TableLoadError) {
            _ = try StaticTableFile.load(path: TableTestSupport.fixturesDirectory)
            Issue.record("loaded a directory")
        } catch {
            #expect(error.logLines == ["\(TableTestSupport.fixturesDirectory): getline: Is a directory"])
        }
    }

    @Test("a list of IPv6 addresses in brackets: 6.8 fails, 7.x reads a list")
    func bracketedListFallsBackTo7() throws {
        let result = try TableTestSupport.parse("[::1]\n127.0.0.1\n[fe80::1]\n")
        #expect(result.rules == .openSMTPD7)
        #expect(result.contents.kind == .list)
        #expect(result.contents.entries == TableTestSupport.list("[::1]", "127.0.0.1", "[fe80::1]"))
        #expect(
            result.warnings == [
                "/t: OpenSMTPD 6.8 rejects this file (invalid map entry line 2); read with OpenSMTPD 7.x rules"
            ])
        #expect(result.openSMTPD7Contents == nil)
    }

    @Test("a mapping only 7.x accepts: after `]` any byte separates the key")
    func bracketedMappingOnly7() throws {
        let result = try TableTestSupport.parse("x y\n[a]bc\n")
        #expect(result.rules == .openSMTPD7)
        #expect(result.contents == TableContents(kind: .hash, entries: ["x": "y", "[a]": "c"]))
    }

    @Test("a bracketed IPv6 key: 6.8 cuts at the first colon, 7.x at the bracket")
    func bracketedMappingBothAccept() throws {
        let result = try TableTestSupport.parse("[::1] host6.example\n")
        #expect(result.rules == .openSMTPD68)
        #expect(result.contents.entries == ["[": ":1] host6.example"])
        #expect(result.openSMTPD7Contents?.entries == ["[::1]": "host6.example"])
    }

    @Test("when both versions fail, the error is 6.8's", arguments: ["a b\nc\n", "::1\n127.0.0.1\n", "[x y\nz\n"])
    func bothFail(text: String) throws {
        let error = try #require(TableTestSupport.error(text))
        #expect(error.logLines == ["/t: invalid map entry line 2"])
    }

    @Test("7.x rejecting a file 6.8 accepts is only a warning")
    func only68Accepts() throws {
        let result = try TableTestSupport.parse("# @list\n[unclosed\n")
        #expect(result.rules == .openSMTPD68)
        #expect(result.contents.entries == TableTestSupport.list("[unclosed"))
        #expect(result.warnings == ["/t: OpenSMTPD 7.x rejects this file (/t:2 invalid map entry)"])
    }

    @Test("a file both accept but read differently keeps 6.8's reading and offers 7.x's")
    func readDifferently() throws {
        let result = try TableTestSupport.parse("a b\nk : v\n")
        #expect(result.rules == .openSMTPD68)
        #expect(result.contents.entries == ["a": "b", "k": "v"])
        #expect(result.openSMTPD7Contents == TableContents(kind: .hash, entries: ["a": "b", "k": ": v"]))
        #expect(
            result.warnings == [
                "/t: OpenSMTPD 7.x reads this file differently from line 2 on; Tern reads it as OpenSMTPD 6.8 does"
            ])
    }

    @Test("files both read the same way get no warning and no second reading")
    func agreement() throws {
        let result = try TableTestSupport.parse("# aliases\nroot: alice\npostmaster:\troot\n")
        #expect(result.warnings.isEmpty)
        #expect(result.openSMTPD7Contents == nil)
    }
}

extension StaticTableErrorTests {
    @Test("lines read differently but replaced by a later duplicate give no warning")
    func differenceOverwritten() throws {
        let result = try TableTestSupport.parse("a b\nk : v\nk v\n")
        #expect(result.contents.entries == ["a": "b", "k": "v"])
        #expect(result.openSMTPD7Contents == nil)
        #expect(result.warnings.isEmpty)
    }
}
