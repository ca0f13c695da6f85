#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads configuration files from disk. A relative path is relative to the current directory, as in
/// OpenSMTPD. Files larger than `maximumSize` are refused rather than read into memory.
public struct FileSourceReader: SourceReader {
    public var maximumSize: Int

    public init(maximumSize: Int = 64 << 20) {
        self.maximumSize = maximumSize
    }

    public func read(path: String) -> Result<[UInt8], SourceReadError> {
        FileBytes.read(path: path, maximumSize: maximumSize)
    }
}

/// Whole-file reads with POSIX calls, reporting failures in strerror(3) words.
public enum FileBytes {
    public static func read(path: String, maximumSize: Int = Int.max) -> Result<[UInt8], SourceReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SourceReadError(errorText(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(SourceReadError(errorText(errno))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(SourceReadError(errorText(EISDIR))) }
        if Int(info.st_size) > maximumSize { return .failure(SourceReadError("File too large")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(SourceReadError(errorText(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumSize { return .failure(SourceReadError("File too large")) }
        }
        return .success(bytes)
    }

    public static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
