public import ConfParser

/// The `passwd:` backend (`table users passwd:/etc/mail/users`): a passwd(5)-format file that serves listener
/// `auth` (credentials) and `userbase` (userinfo), as opensmtpd-extras' table-passwd does. OpenSMTPD runs that
/// helper as a separate process; Tern reads the file itself.
///
/// Lookups, as table-passwd answers them:
/// - `credentials`: `user:password-hash`; an empty password field is a failure;
/// - `userinfo`: `uid:gid:home`; a uid or gid that is not a number, or an empty home, is a failure;
/// - anything else, `match` and `fetchAll`: a failure (table-passwd's check and fetch always fail).
/// A failure is a temporary one for the session (451), never a "no".
public struct PasswdTable: LookupTable {
    public let name: String
    public let path: String
    public let file: PasswdFile

    public init(name: String, path: String, file: PasswdFile) {
        self.name = name
        self.path = path
        self.file = file
    }

    /// Reads `path`.
    /// - Throws: `TableLoadError` when the file is missing or has a bad line (table-passwd would exit, and
    ///   every lookup would then fail).
    public static func load(name: String, path: String) throws(TableLoadError) -> PasswdTable {
        PasswdTable(name: name, path: path, file: try PasswdFile.load(path: path))
    }

    public func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String? {
        guard service == .credentials || service == .userinfo else {
            throw TableLookupError(
                table: name,
                reason: "the passwd backend offers credentials and userinfo, not \(service)"
            )
        }
        let user = try TableLookupKey.folded(key, table: name)
        guard let line = file.lines[user] else { return nil }
        guard let entry = PasswdEntry(line) else { throw invalidEntry(user, "it does not have six fields") }
        switch service {
        case .credentials:
            guard !entry.password.isEmpty else { throw invalidEntry(user, "its password field is empty") }
            return entry.user + ":" + entry.password
        default:
            guard let uid = StrToNum.parse(Substring(entry.uid), in: 0...Int64(UInt32.max)),
                let gid = StrToNum.parse(Substring(entry.gid), in: 0...Int64(UInt32.max)),
                !entry.home.isEmpty
            else { throw invalidEntry(user, "it needs a numeric uid and gid and a home directory") }
            return "\(Int32(truncatingIfNeeded: uid)):\(Int32(truncatingIfNeeded: gid)):\(entry.home)"
        }
    }

    public func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool {
        throw TableLookupError(table: name, reason: "the passwd backend cannot answer \(service) matches")
    }

    public func fetchAll(_ service: TableService) throws(TableLookupError) -> [String] {
        throw TableLookupError(table: name, reason: "the passwd backend cannot list its entries")
    }

    /// table-passwd logs `warn: invalid entry` and fails the lookup.
    private func invalidEntry(_ user: String, _ why: String) -> TableLookupError {
        TableLookupError(table: name, reason: "invalid entry for \"\(user)\" in \(path): \(why)")
    }
}
