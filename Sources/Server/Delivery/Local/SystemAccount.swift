#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system user a delivery runs as, from the passwd database.
public struct SystemAccount: Sendable, Hashable {
    public var name: String
    public var uid: uid_t
    public var gid: gid_t
    public var home: String

    public init(name: String, uid: uid_t, gid: gid_t, home: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
    }

    /// Why an account could not be found.
    enum LookupFailure: Error, Equatable {
        /// The passwd database has no such user: a permanent failure.
        case noSuchUser
        /// The database itself failed (NSS, LDAP down): try again later.
        case databaseError(String)
    }

    /// getpwnam_r, with a growing buffer. Blocking (NSS may ask the network).
    static func named(_ name: String) -> Result<SystemAccount, LookupFailure> {
        var bufferSize = 4096
        while true {
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: bufferSize)
            let status = getpwnam_r(name, &entry, &buffer, bufferSize, &found)
            switch status {
            case 0:
                guard let found else { return .failure(.noSuchUser) }
                let account = SystemAccount(
                    name: String(cString: found.pointee.pw_name), uid: found.pointee.pw_uid,
                    gid: found.pointee.pw_gid, home: String(cString: found.pointee.pw_dir))
                return .success(account)
            case ERANGE where bufferSize < 1 << 20:
                bufferSize *= 4
            case EINTR:
                continue
            // getpwnam_r(3) lists these as other ways of saying "not found".
            case ENOENT, ESRCH, EBADF, EPERM:
                return .failure(.noSuchUser)
            default:
                return .failure(.databaseError(String(cString: strerror(status))))
            }
        }
    }

    /// The process's own account, for in-process deliveries by a daemon that is not root.
    static func current() -> SystemAccount {
        let uid = getuid()
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &found) == 0, let found {
            return SystemAccount(
                name: String(cString: found.pointee.pw_name), uid: uid, gid: getgid(),
                home: String(cString: found.pointee.pw_dir))
        }
        return SystemAccount(name: "\(uid)", uid: uid, gid: getgid(), home: "/")
    }
}
