#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking system calls the queue makes, in one place. Every function here blocks: call it only from
/// the queue's own threads, never from an event loop or the Swift cooperative pool.
///
/// `write` is injectable so that tests can make the disk "full" (ENOSPC) at a chosen moment, and `bootID`
/// so that they can play a machine restart; nothing else is, because the other failures need no
/// simulation to be tested.
struct QueueFileSystem: Sendable {
    /// Writes some bytes and returns how many, or -1 with the error code (as write(2) plus errno).
    typealias WriteFunction = @Sendable (_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (count: Int, errno: Int32)

    var write: WriteFunction = { fd, bytes in
        let count = systemWrite(fd, bytes.baseAddress, bytes.count)
        return (count, count < 0 ? errno : 0)
    }

    /// The kernel's boot id (QueueFileSystem+Boot.swift); tests pass another to play a machine restart.
    var bootID: @Sendable () -> String? = { QueueFileSystem.systemBootID() }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(QueueError) {
        var offset = 0
        while offset < bytes.count {
            let (count, code) = write(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if count < 0 {
                if code == EINTR { continue }
                throw QueueError.fromErrno("write", path, code)
            }
            offset += count
        }
    }

    /// Writes all of an array's bytes (`withUnsafeBytes` only rethrows untyped errors, hence the Result).
    func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(QueueError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(QueueError) in try writeAll(fd, buffer, path: path) }
        }
        try result.get()
    }

    /// Creates a file that must not exist yet (O_EXCL), owner-only.
    func createExclusive(_ path: String) throws(QueueError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw QueueError.fromErrno("open", path) }
        return fd
    }

    /// Renames an empty file kept for reuse to `path` and opens it for writing: a file without a new inode.
    func takeOver(_ reusable: String, as path: String) throws(QueueError) -> Int32 {
        try rename(reusable, path)
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw QueueError.fromErrno("open", path) }
        return fd
    }

    /// Writes a whole file under a fresh name, fsyncs it and closes it.
    func writeFileDurably(_ path: String, _ bytes: [UInt8]) throws(QueueError) {
        let fd = try createExclusive(path)
        do throws(QueueError) {
            try writeAll(fd, bytes, path: path)
            try fsyncFile(fd, path: path)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        close(fd)
    }

    func fsyncFile(_ fd: Int32, path: String) throws(QueueError) {
        while fsync(fd) != 0 {
            if errno != EINTR { throw QueueError.fromErrno("fsync", path) }
        }
    }

    /// Makes a directory's entries (creations, renames, removals) durable.
    func fsyncDirectory(_ path: String) throws(QueueError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw QueueError.fromErrno("open", path) }
        defer { close(fd) }
        try fsyncFile(fd, path: path)
    }

    func makeDirectory(_ path: String) throws(QueueError) {
        guard mkdir(path, 0o700) == 0 else { throw QueueError.fromErrno("mkdir", path) }
    }

    /// Creates a directory unless it exists already.
    func ensureDirectory(_ path: String) throws(QueueError) {
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw QueueError.fromErrno("mkdir", path) }
    }

    func rename(_ from: String, _ to: String) throws(QueueError) {
        guard systemRename(from, to) == 0 else { throw QueueError.fromErrno("rename", from) }
    }

    func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a directory, without `.` and `..`; unsorted.
    func listDirectory(_ path: String) throws(QueueError) -> [String] {
        guard let dir = opendir(path) else { throw QueueError.fromErrno("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a directory and everything in it (the queue's directories are one level deep at most below it).
    func removeTree(_ path: String) {
        if isDirectory(path) {
            for name in (try? listDirectory(path)) ?? [] { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    func readFile(_ path: String) throws(QueueError) -> [UInt8] {
        var out: [UInt8] = []
        try readChunks(of: path) { out += $0 }
        return out
    }

    /// Reads a file from start to end, handing each chunk read to `body`.
    func readChunks(of path: String, _ body: (ArraySlice<UInt8>) -> Void) throws(QueueError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw QueueError.fromErrno("open", path) }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw QueueError.fromErrno("read", path)
            }
            if count == 0 { return }
            body(chunk[0..<count])
        }
    }
}

/// The C calls whose names the struct's members shadow.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, bytes, count) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
