#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends a message to an mbox file as mail.local does, with the locks other mbox programs respect: the
/// `<file>.lock` dotlock (mbox deliveries only: an alias `/path` may live in a folder the user cannot write, and
/// OpenSMTPD's mail.mboxfile takes none there) and an fcntl write lock on the whole file.
///
/// - A missing mailbox is created mode 0600, owned by whoever runs the delivery (the recipient's worker).
/// - An existing one must be a regular file with one link, opened without following symlinks and checked to be
///   the file that was inspected, so a planted link cannot redirect the write.
/// - Nothing half-written stays: on any failure the file is cut back to its size before the delivery.
/// - Blocking: runs on a delivery thread.
struct MboxWriter {
    var fileSystem = QueueFileSystem()
    /// How long to wait for either lock before answering with a temporary failure.
    var lockTimeout: Double = 30

    func deliver(_ message: [UInt8], to path: String, sender: String, dotLock useDotLock: Bool)
        throws(LocalDeliveryError)
    {
        guard path.hasPrefix("/") else { throw .permanent("mailbox path is not absolute: \(path)") }
        let dotLock = DotLock(mailbox: path, timeout: lockTimeout)
        if useDotLock { try dotLock.acquire() }
        defer { if useDotLock { dotLock.release() } }

        let fd = try openMailbox(path)
        defer { close(fd) }
        try lockWholeFile(fd, path: path)
        let originalSize = lseek(fd, 0, SEEK_END)
        guard originalSize >= 0 else { throw .temporary("lseek \(path): \(String(cString: strerror(errno)))") }
        let entry = MboxFormat.entry(for: message, sender: sender, date: time(nil))
        do throws(QueueError) {
            try fileSystem.writeAll(fd, entry, path: path)
            try fileSystem.fsyncFile(fd, path: path)
        } catch {
            ftruncate(fd, originalSize)
            fsync(fd)
            throw LocalDeliveryError(error)
        }
    }

    private func openMailbox(_ path: String) throws(LocalDeliveryError) -> Int32 {
        while true {
            var before = stat()
            if lstat(path, &before) != 0 {
                guard errno == ENOENT else { throw failure("lstat", path) }
                let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                if fd < 0 {
                    if errno == EEXIST { continue }
                    throw failure("open", path)
                }
                // In a set-group-id spool the file would get the spool's group: give it the user's own.
                _ = fchown(fd, uid_t.max, getgid())
                return fd
            }
            guard (before.st_mode & S_IFMT) == S_IFREG, before.st_nlink == 1 else {
                throw .temporary("\(path): linked or special file")
            }
            let fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw failure("open", path) }
            var after = stat()
            guard fstat(fd, &after) == 0, after.st_dev == before.st_dev, after.st_ino == before.st_ino,
                after.st_nlink == 1
            else {
                close(fd)
                throw .temporary("\(path): changed after open")
            }
            return fd
        }
    }

    /// An fcntl (POSIX) write lock over the whole file, which mutt, Dovecot and Python's mailbox module take too.
    private func lockWholeFile(_ fd: Int32, path: String) throws(LocalDeliveryError) {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        var waited = 0.0
        while fcntl(fd, F_SETLK, &lock) != 0 {
            guard errno == EACCES || errno == EAGAIN || errno == EINTR else { throw failure("fcntl", path) }
            if waited >= lockTimeout { throw .temporary("mailbox is locked: \(path)") }
            usleep(50_000)
            waited += 0.05
        }
    }

    private func failure(_ operation: String, _ path: String) -> LocalDeliveryError {
        LocalDeliveryError(QueueError.fromErrno(operation, path))
    }
}
