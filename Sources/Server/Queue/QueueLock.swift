#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One daemon's hold on a queue folder: an exclusive `flock` on `<directory>/lock`, which names the holder's pid.
///
/// Two daemons on one queue would both deliver every message, and the second one's start-up would clear
/// incoming/ under the first one's sessions and checkpoint its commit journal, ending the generation whose
/// records the first one still counts on. The kernel drops the lock with the holder's descriptor, kill -9
/// included, so a stale lock file never needs removing; `O_CLOEXEC` keeps the descriptor out of any program
/// the daemon starts, which could otherwise hold the lock past the daemon.
final class QueueLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    static func path(in directory: String) -> String { directory + "/lock" }

    /// Takes the lock without waiting; `QueueError.inUse` when another process holds it.
    static func acquire(directory: String) throws(QueueError) -> QueueLock {
        let path = path(in: directory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw QueueError.fromErrno("open", path) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            let holder = code == EWOULDBLOCK ? holderPID(fd) : nil
            close(fd)
            if code == EWOULDBLOCK { throw QueueError.inUse(directory: directory, holder: holder) }
            throw QueueError.fromErrno("flock", path, code)
        }
        // Only for the message a second daemon prints: the lock itself is the flock, not this text.
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return QueueLock(descriptor: fd)
    }

    /// The pid the holder wrote (nil if it has not yet).
    private static func holderPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count].prefix { $0 != 0x0a }, as: UTF8.self))
    }
}
