#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension QueueFileSystem {
    /// The running kernel's boot id (Linux's /proc/sys/kernel/random/boot_id), or nil where there is none.
    /// Page-cache contents survive the end of a process but not of the kernel; a new boot id is how the
    /// queue knows that files it had written may not have reached the disk.
    static func systemBootID() -> String? {
        #if os(Linux)
        guard let bytes = try? QueueFileSystem().readFile("/proc/sys/kernel/random/boot_id") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        return text.isEmpty ? nil : text
        #else
        return nil
        #endif
    }

    /// A whole file's size and SHA-256.
    func bodyCheck(of path: String) throws(QueueError) -> BodyCheck {
        var check = BodyCheckAccumulator()
        try readChunks(of: path) { check.add($0) }
        return check.finish()
    }
}
