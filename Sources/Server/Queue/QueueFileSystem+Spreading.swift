#if canImport(Glibc)
import Glibc
#endif

extension QueueFileSystem {
    /// Asks ext4 to spread the directories created in `path` over its block groups (the `T` attribute of
    /// chattr, FS_TOPDIR_FL), as it does for directories at the root of a file system. Best effort: file
    /// systems without the attribute ignore or refuse it, and nothing depends on it.
    ///
    /// Why: ext4 without a journal skips every inode freed in the last minute (six minutes while its inode
    /// table block is not written back; `recently_deleted` in ialloc.c) when it allocates a new one, scanning
    /// past each of them. A spool that creates and deletes three inodes per message makes those scans grow
    /// with every message; spread, each group holds few. Recycled spares (FSQueue+Spares.swift) now spare
    /// most of that churn; new spares, made when recycling falls behind, still benefit.
    func spreadSubdirectories(_ path: String) {
        #if os(Linux)
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var flags: Int32 = 0
        guard ioctl(fd, Self.getFlagsRequest, &flags) == 0, flags & Self.topDirectoryFlag == 0 else { return }
        flags |= Self.topDirectoryFlag
        _ = ioctl(fd, Self.setFlagsRequest, &flags)
        #endif
    }

    /// FS_IOC_GETFLAGS and FS_IOC_SETFLAGS (`_IOR('f', 1, long)`, `_IOW('f', 2, long)`; the kernel passes an
    /// int) and FS_TOPDIR_FL, from linux/fs.h, whose macros Swift cannot import.
    private static let getFlagsRequest = UInt(2 << 30 | MemoryLayout<Int>.size << 16 | Int(UInt8(ascii: "f")) << 8 | 1)
    private static let setFlagsRequest = UInt(1 << 30 | MemoryLayout<Int>.size << 16 | Int(UInt8(ascii: "f")) << 8 | 2)
    private static let topDirectoryFlag: Int32 = 0x0002_0000
}
