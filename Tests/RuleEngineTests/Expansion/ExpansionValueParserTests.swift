import Testing
@testable import RuleEngine

/// `expand_line` and `text_to_expandnode`, element by element.
@Suite struct ExpansionValueParserTests {
    func parse(_ value: String, includes: Bool = true) -> [String] {
        let result = AliasValueParser.parse(value, includes: includes)
        return result.items.map(describe) + (result.failed ? ["FAILED"] : [])
    }

    func describe(_ item: ExpansionItem) -> String {
        switch item {
        case .username(let user): "user:\(user)"
        case .filename(let path): "file:\(path)"
        case .filter(let command): "pipe:\(command)"
        case .include(let path): "include:\(path)"
        case .address(let address): "address:\(address.user)@\(address.domain)"
        case .error(let text): "error:\(text)"
        }
    }

    @Test func kinds() {
        #expect(parse("joe, alice@example.org, /var/mail/archive, |/bin/cat, :include:/etc/list, error:550 Gone")
            == ["user:joe", "address:alice@example.org", "file:/var/mail/archive", "pipe:/bin/cat",
                "include:/etc/list", "error:550 Gone"])
        #expect(parse("\"|/usr/bin/vacation -a joe joe\"") == ["pipe:/usr/bin/vacation -a joe joe"])
        #expect(parse("include:/etc/list, :ERROR:450 Later") == ["include:/etc/list", "error:450 Later"])
    }

    @Test func commasInsideQuotesAndEscapes() {
        #expect(parse("\"|cmd a,b\", joe") == ["pipe:cmd a,b", "user:joe"])
        #expect(parse("'x,y'") == ["FAILED"])
        #expect(parse("jo\\,e") == ["FAILED"])
        #expect(parse("\\joe") == ["user:joe"])
        #expect(parse("a\\ b") == ["FAILED"])
    }

    @Test func emptyElementsAreSkipped() {
        #expect(parse(" joe ,, ,bob, ") == ["user:joe", "user:bob"])
        #expect(parse("") == [])
    }

    @Test func invalidValues() {
        // An unbalanced quote or a trailing backslash spoils the whole value.
        #expect(parse("joe, \"|cmd") == ["user:joe", "FAILED"])
        #expect(parse("joe\\") == ["FAILED"])
        // No comments in values.
        #expect(parse("alice # admin") == ["FAILED"])
        // error: needs a 4xx/5xx code, one space, then a letter or digit.
        #expect(parse("error:200 fine") == ["FAILED"])
        #expect(parse("error:550  two spaces") == ["FAILED"])
        #expect(parse("error:55 x") == ["FAILED"])
        // include: needs an absolute path.
        #expect(parse(":include:relative") == ["FAILED"])
        // Addresses: user characters, domain letters, digits, '-' and '.'.
        #expect(parse("a@b_c.org") == ["FAILED"])
        #expect(parse("@example.org") == ["FAILED"])
        #expect(parse("joe@") == ["FAILED"])
        #expect(parse("jo e") == ["FAILED"])
        #expect(parse(String(repeating: "u", count: 256)) == ["FAILED"])
        #expect(parse(String(repeating: "u", count: 2048)) == ["FAILED"])
    }

    @Test func addressSplitsAtTheFirstAt() {
        #expect(parse("a@b@c") == ["FAILED"])
        #expect(parse("a!#$%*/?|^{}`~&+-=_.b@x-y.z") == ["address:a!#$%*/?|^{}`~&+-=_.b@x-y.z"])
    }

    @Test func includesDroppedWhereNotAllowed() {
        #expect(parse(":include:/etc/list, joe", includes: false) == ["user:joe"])
    }

    @Test func sortOrderIsOpenSMTPDs() {
        let items = AliasValueParser.parse("zed@x.org, error:550 No, bob, /f, |c, ann@x.org, Bob", includes: true).items
        #expect(items.sorted().map(describe) == [
            "user:Bob", "user:bob", "file:/f", "pipe:c", "address:ann@x.org", "address:zed@x.org", "error:550 No",
        ])
    }
}

/// fparseln(3) as .forward and include files use it.
@Suite struct ExpansionLineReaderTests {
    func lines(_ text: String, _ reader: LogicalLines) -> [String] {
        reader.split(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func forwardFiles() {
        #expect(lines("a\nb", .forwardFile) == ["a", "b"])
        #expect(lines("a # comment\n# whole line\nb\n", .forwardFile) == ["a ", "b"])
        #expect(lines("a, \\\nb\n", .forwardFile) == ["a, b"])
        #expect(lines("a\\#b\n", .forwardFile) == ["a\\#b"])
        #expect(lines("\n\nx\n", .forwardFile) == ["", "", "x"])
        #expect(lines("", .forwardFile) == [])
    }

    @Test func includeFiles() {
        #expect(lines("alice\n# comment line\nbob #\njoe\n", .includeFile) == ["alice", "# comment line", "bob joe"])
        #expect(lines("a\\#\nb", .includeFile) == ["a\\#", "b"])
    }
}
