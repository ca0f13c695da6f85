#if canImport(Glibc)
import Glibc
#endif

/// Root is needed only to bind ports below 1024 and to start the delivery helper; the daemon then becomes an
/// unprivileged user that owns the queue (OpenSMTPD's `_smtpd`/`_smtpq`; Tern's `_tern` by default). Started by
/// a normal user (tests, the quick start), or with `--user root`, it stays that user.
enum Privileges {
    static func dropIfRoot(to userName: String, owning paths: [String]) throws {
        guard geteuid() == 0 else { return }
        guard let entry = getpwnam(userName) else {
            throw Daemon.StartError(description:
                "unknown user \(userName): create it (contrib/setup-debian.sh does) or name another with --user")
        }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        // `--user root`: asked to stay root (a test machine, a container); nothing to drop.
        if uid == 0 { return }
        for path in paths {
            try chownTree(path, uid: uid, gid: gid)
        }
        // initgroups keeps the user's supplementary groups: `_maildaemons` is how the seed lets the mail
        // daemons read its 0640 tables again on reload and `update table`.
        guard initgroups(userName, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            throw Daemon.StartError(description: "cannot become \(userName): \(String(cString: strerror(errno)))")
        }
        // setuid(2) must have been complete: getting root back would mean the drop did not happen.
        guard setuid(0) != 0 else { throw Daemon.StartError(description: "privilege drop failed") }
    }

    /// Gives the queue to the daemon's user, whatever owned it before.
    private static func chownTree(_ path: String, uid: uid_t, gid: gid_t) throws {
        guard lchown(path, uid, gid) == 0 else {
            throw Daemon.StartError(description: "chown \(path): \(String(cString: strerror(errno)))")
        }
        guard let directory = opendir(path) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            if entry.pointee.d_type == UInt8(DT_DIR) {
                try chownTree(child, uid: uid, gid: gid)
            } else if lchown(child, uid, gid) != 0 {
                throw Daemon.StartError(description: "chown \(child): \(String(cString: strerror(errno)))")
            }
        }
    }
}
