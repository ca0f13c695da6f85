import Testing

@testable import ConfParser

/// The compact storage behind `TableContents`: one buffer, one record per entry, a hash index.
@Suite("Table contents storage")
struct TableContentsStorageTests {
    @Test("a repeated key keeps the later value and counts once, as OpenSMTPD's dict_set")
    func duplicatesLaterWins() throws {
        let result = try TableTestSupport.parse("a 1\nb 2\nA 3\nc 4\na 5\n")
        #expect(result.contents.count == 3)
        #expect(result.contents.value(forKey: "a") == "5")
        #expect(result.contents.entries == ["a": "5", "b": "2", "c": "4"])
    }

    @Test("lookups are exact on the stored (lowercased) keys")
    func exactLookups() throws {
        let contents = try TableTestSupport.parse("Alice@Example.ORG  Bob\nroot: admin\n").contents
        #expect(contents.index(forKey: "alice@example.org") != nil)
        #expect(contents.index(forKey: "Alice@Example.ORG") == nil)
        #expect(contents.value(forKey: "alice@example.org") == "Bob")
        #expect(contents.value(forKey: "root") == "admin")
        #expect(contents.value(forKey: "nobody") == nil)
        #expect(contents.contains(key: "root"))
        #expect(!contents.contains(key: ""))
    }

    @Test("list entries have no value but are found")
    func listEntries() throws {
        let contents = try TableTestSupport.parse("example.com\nExample.NET\n").contents
        #expect(contents.kind == .list)
        let index = try #require(contents.index(forKey: "example.net"))
        #expect(!contents.hasValue(at: index))
        #expect(contents.value(at: index) == nil)
        #expect(contents.key(at: index) == "example.net")
    }

    @Test("an empty key is a key like any other")
    func emptyKey() throws {
        let contents = try TableTestSupport.parse(": value\n").contents
        #expect(contents.value(forKey: "") == "value")
    }

    @Test("equality ignores reading order; kind and every value count")
    func equality() {
        let one = TableContents(kind: .hash, entries: ["a": "1", "b": "2"])
        let other = TableContents(kind: .hash, addingLowercasedKeys: [(key: "B", value: "2"), (key: "a", value: "1")])
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
        #expect(one != TableContents(kind: .list, entries: ["a": "1", "b": "2"]))
        #expect(one != TableContents(kind: .hash, entries: ["a": "1", "b": "3"]))
        #expect(one != TableContents(kind: .hash, entries: ["a": "1", "c": "2"]))
        #expect(TableContents(kind: .list, entries: ["a": nil]) != TableContents(kind: .list, entries: ["a": ""]))
    }

    @Test("table_add's rules: keys lowercased, keys over 1023 bytes dropped, values kept")
    func addingLowercasedKeys() {
        let long = String(repeating: "x", count: 1024)
        let contents = TableContents(
            kind: .hash,
            addingLowercasedKeys: [(key: "Root", value: "Alice"), (key: long, value: "v"), (key: "ROOT", value: "Bob")]
        )
        #expect(contents.entries == ["root": "Bob"])
    }

    @Test("the lookup order is strcmp order, computed once and shared by copies")
    func lookupOrder() throws {
        let contents = try TableTestSupport.parse("b\n~\n*.a\nA\né\nab\n").contents
        #expect(contents.keysInLookupOrder == ["*.a", "a", "ab", "b", "~", "é"])
        let copy = contents
        #expect(Array(copy.indicesInLookupOrder) == Array(contents.indicesInLookupOrder))
        let first = contents.firstIndexInLookupOrder { _, key in key.first == UInt8(ascii: "a") }
        #expect(first.map(contents.key(at:)) == "a")
    }

    @Test("many keys, colliding or not, are all found")
    func manyKeys() {
        let pairs = (0..<50_000).map { (key: "user\($0)@domain\($0 % 97).example", value: Optional("box\($0)")) }
        let contents = TableContents(kind: .hash, addingLowercasedKeys: pairs)
        #expect(contents.count == 50_000)
        for index in stride(from: 0, to: 50_000, by: 997) {
            #expect(contents.value(forKey: "user\(index)@domain\(index % 97).example") == "box\(index)")
        }
        #expect(contents.value(forKey: "user50000@domain0.example") == nil)
    }

    @Test("each reading lowercases only its own keys: 7.x's values are not 6.8's folded keys")
    func readingsDoNotShareFolding() throws {
        // 6.8: key `[ab]cdx` (up to the space), value `y`. 7.x: key `[ab]` (up to `]`), separator `C`, value `Dx y`.
        let result = try TableTestSupport.parse("[Ab]CDx y\n")
        #expect(result.contents.entries == ["[ab]cdx": "y"])
        #expect(result.openSMTPD7Contents?.entries == ["[ab]": "Dx y"])
    }

    @Test("a file read with a shared array leaves the caller's bytes alone")
    func sharedInputUntouched() throws {
        let bytes = Array("KEY Value\n".utf8)
        let result = try StaticTableFile.parse(bytes, path: "/t")
        #expect(result.contents.entries == ["key": "Value"])
        #expect(bytes == Array("KEY Value\n".utf8))
    }
}
