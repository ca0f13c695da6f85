import Testing

@testable import ConfParser

/// The table files of the compatibility probes (compat/probes/t_*), with what OpenSMTPD 6.8.0p2 made of them.
@Suite("Table probe files")
struct StaticTableProbeFileTests {
    private func load(_ name: String) throws(TableLoadError) -> TableLoadResult {
        try StaticTableFile.load(path: TableTestSupport.fixture(name))
    }

    @Test("t_domains: blank line and comment, then a list")
    func domains() throws {
        let result = try load("t_domains")
        #expect(result.contents == TableContents(kind: .list, entries: TableTestSupport.list("example.com")))
        #expect(result.warnings.isEmpty)
    }

    @Test("t_domains_trailing: a trailing comment makes a mapping")
    func domainsTrailing() throws {
        let result = try load("t_domains_trailing")
        #expect(result.contents == TableContents(kind: .hash, entries: ["example.com": "# trailing"]))
    }

    @Test("t_empty: an empty file is a hash")
    func empty() throws {
        #expect(try load("t_empty").contents == TableContents(kind: .hash))
    }

    @Test("t_hash_missing: invalid map entry line 2")
    func hashMissing() throws {
        let path = TableTestSupport.fixture("t_hash_missing")
        do throws(TableLoadError) {
            _ = try load("t_hash_missing")
            Issue.record("loaded t_hash_missing")
        } catch {
            #expect(error.logLines == ["\(path): invalid map entry line 2"])
        }
    }

    @Test("t_ipv6list: 6.8 reads a hash from `::1`, then fails on line 2; so does 7.x")
    func ipv6List() throws {
        let path = TableTestSupport.fixture("t_ipv6list")
        do throws(TableLoadError) {
            _ = try load("t_ipv6list")
            Issue.record("loaded t_ipv6list")
        } catch {
            #expect(error.logLines == ["\(path): invalid map entry line 2"])
        }
    }

    @Test("t_ipv6list_forced: `# @list` first makes it a list")
    func ipv6ListForced() throws {
        let result = try load("t_ipv6list_forced")
        #expect(result.contents == TableContents(kind: .list, entries: TableTestSupport.list("::1", "127.0.0.1")))
    }

    @Test("t_list_space: a list entry may hold a space")
    func listSpace() throws {
        let result = try load("t_list_space")
        #expect(result.contents == TableContents(kind: .list, entries: TableTestSupport.list("example.com", "foo bar")))
    }

    @Test("t_brackets: a hash to 6.8 (so `from src` refuses it), a list to 7.x")
    func brackets() throws {
        let result = try load("t_brackets")
        #expect(result.rules == .openSMTPD68)
        #expect(result.contents == TableContents(kind: .hash, entries: ["[": ":1]"]))
        #expect(result.openSMTPD7Contents == TableContents(kind: .list, entries: TableTestSupport.list("[::1]")))
        #expect(result.warnings.count == 1)
    }

    @Test("mm.txt read by smtpd's loader, not makemap's: no comments, and `# @list` comes too late")
    func makemapSourceAsStaticTable() throws {
        let result = try load("mm.txt")
        #expect(result.rules == .openSMTPD68)
        #expect(
            result.contents
                == TableContents(
                    kind: .hash,
                    entries: [
                        "root": "alice, bob # comment", "foo": "bar", "baz": "qux", "[": ":1] x",
                    ]
                ))
        #expect(result.openSMTPD7Contents?.entries["[::1]"] == .some("x"))
    }
}
