#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `getpwnam` backend: system users, through getpwnam_r(3). `<getpwnam>` is the default `userbase`.
///
/// As OpenSMTPD's table_getpwnam.c:
/// - only the `userinfo` service exists; any other lookup fails (a temporary failure);
/// - the value is `uid:gid:home`, printed with `%d` (so a uid above 2^31 prints negative and then fails to
///   parse, as there);
/// - the key is lowercased first like every table key, so a system user with capitals is never found;
/// - an error from the user database (not "no such user") is a failure, not a miss.
public struct GetpwnamTable: LookupTable {
    public let name: String

    public init(name: String = "<getpwnam>") {
        self.name = name
    }

    public func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String? {
        guard service == .userinfo else { throw unsupported(service) }
        guard let user = try Self.user(named: TableLookupKey.folded(key, table: name), table: name) else {
            return nil
        }
        return "\(Int32(bitPattern: user.uid)):\(Int32(bitPattern: user.gid)):\(user.home)"
    }

    public func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool {
        guard service == .userinfo else { throw unsupported(service) }
        return try Self.user(named: TableLookupKey.folded(key, table: name), table: name) != nil
    }

    /// OpenSMTPD's getpwnam backend has no `fetch`.
    public func fetchAll(_ service: TableService) throws(TableLookupError) -> [String] {
        throw TableLookupError(table: name, reason: "the getpwnam backend cannot list its entries")
    }

    private func unsupported(_ service: TableService) -> TableLookupError {
        TableLookupError(table: name, reason: "the getpwnam backend offers only userinfo lookups, not \(service)")
    }

    /// The fields of a passwd(5) entry that a lookup reports.
    struct SystemUser {
        var uid: UInt32
        var gid: UInt32
        var home: String
    }

    /// getpwnam_r, growing its buffer when the entry does not fit, and retrying on EINTR.
    static func user(named user: String, table: String) throws(TableLookupError) -> SystemUser? {
        var size = 1024
        while true {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwnam_r(user, &entry, &buffer, size, &result)
            if status == ERANGE && size < 1 << 20 {
                size *= 4
                continue
            }
            if status == EINTR { continue }
            // getpwnam_r(3): these codes may also mean "no such user", depending on the user database.
            if status == ENOENT || status == ESRCH || status == EBADF || status == EPERM { return nil }
            guard status == 0 else {
                let reason = String(cString: strerror(status))
                throw TableLookupError(table: table, reason: "getpwnam(\(user)) failed: \(reason)")
            }
            guard let found = result?.pointee else { return nil }
            return SystemUser(uid: found.pw_uid, gid: found.pw_gid, home: String(cString: found.pw_dir))
        }
    }
}
