import ConfParser
import Testing

@testable import RuleEngine

/// `passwd:` tables, as opensmtpd-extras' table-passwd reads and answers them.
@Suite("passwd tables")
struct PasswdTableTests {
    static let dovecotFile = """
        # users shared with Dovecot's passwd-file
        alice:$6$salt$hash:1000:1000::/home/alice::userdb_mail=maildir:~/Mail
        bob:{PLAIN}secret:1001:1001:Bob:/home/bob:/bin/sh # a trailing comment
        vmail-only::2000:2000::/var/vmail:
        noid:$6$x$y:::::

        """

    static func table(_ text: String = dovecotFile) throws -> PasswdTable {
        try PasswdTable.load(name: "users", path: TableTestFiles.write(text))
    }

    @Test("credentials: user:hash, for listener auth; Dovecot's extra fields are ignored")
    func credentials() throws {
        let table = try Self.table()
        #expect(try table.lookup(.credentials, key: "alice") == "alice:$6$salt$hash")
        #expect(
            try table.credentials(for: "alice") == TableValue.Credentials(username: "alice", password: "$6$salt$hash")
        )
        #expect(try table.lookup(.credentials, key: "bob") == "bob:{PLAIN}secret")
        #expect(try table.lookup(.credentials, key: "carol") == nil)
    }

    @Test("userinfo: uid:gid:home, for userbase")
    func userInfo() throws {
        let table = try Self.table()
        #expect(try table.lookup(.userinfo, key: "alice") == "1000:1000:/home/alice")
        #expect(
            try table.userInfo(for: "Bob")
                == TableValue.UserInfo(username: "bob", uid: 1001, gid: 1001, directory: "/home/bob")
        )
        #expect(try table.lookup(.userinfo, key: "vmail-only") == "2000:2000:/var/vmail")
    }

    @Test("a field a service needs but the line lacks is a failure, not a miss")
    func incompleteEntries() throws {
        let table = try Self.table()
        #expect(throws: TableLookupError.self) { try table.lookup(.credentials, key: "vmail-only") }
        #expect(throws: TableLookupError.self) { try table.lookup(.userinfo, key: "noid") }
    }

    @Test("match, fetch and other services fail, as table-passwd's check and fetch do")
    func otherServices() throws {
        let table = try Self.table()
        #expect(throws: TableLookupError.self) { try table.match(.credentials, key: "alice") }
        #expect(throws: TableLookupError.self) { try table.lookup(.alias, key: "alice") }
        #expect(throws: TableLookupError.self) { try table.fetchAll(.credentials) }
    }

    @Test("user names are kept as written, so capitals never match a (lowercased) key, with a warning")
    func capitals() throws {
        let table = try Self.table("Carol:x:1:1::/home/carol\n")
        #expect(try table.lookup(.credentials, key: "Carol") == nil)
        #expect(table.file.warnings.count == 1)
    }

    @Test("a later line for the same user wins; comments start anywhere")
    func duplicates() throws {
        let table = try Self.table("dave:old:1:1::/h1\n#dave:commented:2:2::/h2\ndave:new:3:3::/h3 # note\n")
        #expect(try table.lookup(.credentials, key: "dave") == "dave:new")
        #expect(try table.lookup(.userinfo, key: "dave") == "3:3:/h3 ")
    }

    @Test("a bad line fails the whole file with its line number")
    func invalidFile() throws {
        #expect(throws: TableLoadError.self) { try Self.table("ok:x:1:1::/h\nbroken:x:1:1\n") }
        let path = try TableTestFiles.write("ok:x:1:1::/h\n:x:1:1::/h\n")
        do throws(TableLoadError) {
            _ = try PasswdTable.load(name: "users", path: path)
            Issue.record("a line without a user loaded")
        } catch {
            #expect(error.line == 2)
            #expect(error.logLines == ["warn: invalid entry"])
            #expect(error.description.hasPrefix(path + ":2: "))
        }
        #expect(throws: TableLoadError.self) {
            try Self.table("long:" + String(repeating: "x", count: 2048) + ":1:1::/h\n")
        }
        #expect(throws: TableLoadError.self) { try PasswdTable.load(name: "u", path: "/nonexistent/passwd") }
    }
}
