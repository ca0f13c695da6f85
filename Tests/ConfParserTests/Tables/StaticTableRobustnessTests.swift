import PeerSupport
import Testing

@testable import ConfParser

/// Odd bytes must read as OpenSMTPD's C reads them, and nothing may crash.
@Suite("Table file robustness")
struct StaticTableRobustnessTests {
    @Test("a NUL ends the line; whitespace before it stays")
    func nulEndsLine() throws {
        let bytes: [UInt8] = Array("a b\u{0}ignored\nc d\n".utf8)
        let result = try StaticTableFile.parse(bytes, path: "/t")
        #expect(result.contents.entries == ["a": "b", "c": "d"])
        #expect(result.warnings == ["/t: line 1 contains a NUL byte, which ends the line, as in OpenSMTPD"])

        // "k v \0" is the C string "k v " (trailing trim works from the raw end): the value keeps its space.
        let spaced = try StaticTableFile.parse(Array("k v \u{0}\n".utf8), path: "/t")
        #expect(spaced.contents.entries == ["k": "v "])
    }

    @Test("a line starting with NUL is blank")
    func nulFirst() throws {
        let result = try StaticTableFile.parse([0, 0x61, 0x0A, 0x20, 0, 0x0A, 0x62, 0x0A], path: "/t")
        #expect(result.contents == TableContents(kind: .list, entries: TableTestSupport.list("b")))
    }

    @Test("keys longer than 1023 bytes are dropped, as OpenSMTPD drops them")
    func longKeys() throws {
        let longest = String(repeating: "k", count: 1023)
        let tooLong = String(repeating: "x", count: 1024)
        let result = try TableTestSupport.parse("\(longest) a\n\(tooLong) b\n")
        #expect(result.contents.entries == [longest: "a"])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.hasPrefix("/t: line 2 has a key longer than 1023 bytes") == true)
    }

    @Test("bytes that are not UTF-8 become U+FFFD, with a warning")
    func invalidUTF8() throws {
        let result = try StaticTableFile.parse([0x61, 0xFF, 0x20, 0x62, 0x0A, 0x63, 0x20, 0xC3, 0x0A], path: "/t")
        #expect(result.contents.entries == ["a\u{FFFD}": "b", "c": "\u{FFFD}"])
        #expect(
            result.warnings == ["/t: line 1 (and 1 more) is not valid UTF-8; Tern reads the invalid bytes as U+FFFD"])
    }

    @Test("any collection of bytes is accepted as input")
    func nonContiguousInput() throws {
        let bytes = "a b\nc d\n".utf8
        #expect(try StaticTableFile.parse(bytes, path: "/t").contents.entries == ["a": "b", "c": "d"])
        let lazy = Array("x y\n".utf8).lazy.map { $0 }
        #expect(try StaticTableFile.parse(lazy, path: "/t").contents.entries == ["x": "y"])
    }

    @Test("random bytes never crash")
    func randomBytes() {
        var generator = SeededRandom(seed: 0x5EED)
        let alphabet: [UInt8] = Array(" \t\n\r\u{0B}\u{0C}:#@list[]aZ\u{0}".utf8) + [0x80, 0xC3, 0xFF]
        for _ in 0..<3000 {
            let count = Int(generator.next() % 64)
            let bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            do throws(TableLoadError) {
                let result = try StaticTableFile.parse(bytes, path: "/t")
                #expect(!(result.contents.kind == .list && result.contents.entries.values.contains { $0 != nil }))
            } catch {
                #expect(error.logLines.count == 1)
                #expect(error.line != nil)
            }
        }
    }
}
