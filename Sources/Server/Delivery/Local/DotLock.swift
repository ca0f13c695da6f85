#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `<mailbox>.lock` file that mail.local, procmail, mutt and Dovecot's `dotlock` take before writing a
/// mailbox, created with O_EXCL and holding the taker's pid, as liblockfile writes it.
///
/// A lock is stale, and removed, when its pid names a process that no longer exists, or when it is older than
/// `staleAge` (liblockfile's five minutes): a writer that died must not block the mailbox forever.
struct DotLock {
    let path: String
    /// How long to keep trying before giving up with a temporary failure.
    var timeout: Double = 30
    var staleAge: time_t = 300

    init(mailbox: String, timeout: Double = 30) {
        self.path = mailbox + ".lock"
        self.timeout = timeout
    }

    /// Takes the lock, waiting up to `timeout` seconds.
    func acquire() throws(LocalDeliveryError) {
        let deadline = Self.now() + timeout
        var pause = 0.05
        while true {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if fd >= 0 {
                let pid = Array("\(getpid())\n".utf8)
                _ = pid.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                return
            }
            let code = errno
            guard code == EEXIST else {
                throw .temporary("cannot create lock file \(path): \(String(cString: strerror(code)))")
            }
            if isStale() {
                unlink(path)
                continue
            }
            if Self.now() >= deadline { throw .temporary("mailbox is locked: \(path)") }
            usleep(useconds_t(pause * 1_000_000))
            pause = min(pause * 2, 1)
        }
    }

    func release() {
        unlink(path)
    }

    private func isStale() -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        if time(nil) - info.st_mtim.tv_sec > staleAge { return true }
        guard let owner = lockOwner() else { return false }
        return kill(owner, 0) != 0 && errno == ESRCH
    }

    private func lockOwner() -> pid_t? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let digits = buffer[..<count].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let pid = pid_t(String(decoding: digits, as: UTF8.self)), pid > 0 else { return nil }
        return pid
    }

    private static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
