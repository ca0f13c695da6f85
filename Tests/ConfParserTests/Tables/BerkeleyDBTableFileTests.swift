import Testing

@testable import ConfParser

/// `db:` tables: the probe databases were written by Debian's makemap 6.8.0p2 (`makemap -U` output below).
@Suite("Berkeley DB table files", .enabled(if: BerkeleyDBLibrary.isPresent, "libdb5.3 is not installed"))
struct BerkeleyDBTableFileTests {

    @Test("t.db: `postmaster root`")
    func aliases() throws {
        let result = try BerkeleyDBTableFile.load(path: TableTestSupport.fixture("t.db"))
        #expect(result.contents == TableContents(kind: .hash, entries: ["postmaster": "root"]))
        #expect(result.rules == .berkeleyDB)
        #expect(result.warnings.isEmpty)
    }

    @Test("mm.db: makemap's own reader cut comments and kept a trailing space")
    func makemapMap() throws {
        let result = try BerkeleyDBTableFile.load(path: TableTestSupport.fixture("mm.db"))
        #expect(
            result.contents.entries == ["foo": "bar", "root": "alice, bob ", "[": "1] x", "baz": "qux"]
        )
    }

    @Test("set.db: `makemap -t set` maps every key to <set>")
    func set() throws {
        let result = try BerkeleyDBTableFile.load(path: TableTestSupport.fixture("set.db"))
        #expect(result.contents.entries == ["a": "<set>", "b c": "<set>"])
    }

    @Test("a missing database fails silently for OpenSMTPD, with a reason for Tern")
    func missing() throws {
        do throws(TableLoadError) {
            _ = try BerkeleyDBTableFile.load(path: "/nonexistent/none.db")
            Issue.record("opened a missing database")
        } catch {
            #expect(error.logLines.isEmpty)
            #expect(error.reason.contains("No such file or directory"))
        }
    }

    @Test("a short text file fails with libdb's own words, as under OpenSMTPD")
    func notADatabase() throws {
        let path = TableTestSupport.fixture("mm.txt")
        do throws(TableLoadError) {
            _ = try BerkeleyDBTableFile.load(path: path)
            Issue.record("opened a text file as a database")
        } catch {
            #expect(error.logLines == ["BDB0004 fop_read_meta: \(path): unexpected file type or format"])
        }
    }

    @Test("a directory")
    func directory() throws {
        let path = TableTestSupport.fixturesDirectory
        do throws(TableLoadError) {
            _ = try BerkeleyDBTableFile.load(path: path)
            Issue.record("opened a directory as a database")
        } catch {
            #expect(error.logLines == ["\(path): Is a directory"])
        }
    }
}

/// libdb is a run-time dependency; without it the loader can only say so, and these tests are skipped.
enum BerkeleyDBLibrary {
    static let isPresent: Bool = {
        do throws(TableLoadError) {
            _ = try BerkeleyDBTableFile.load(path: TableTestSupport.fixture("t.db"))
            return true
        } catch {
            return !error.reason.hasPrefix("db: tables need libdb")
        }
    }()
}
