#if canImport(Glibc)
import Glibc
#endif

/// Reads .forward and include files from the file system with the checks OpenSMTPD's parent process makes
/// (`parent_forward_open` and `secure_file` in smtpd.c and util.c):
/// - a home directory that does not exist means "no .forward"; a sticky one (like /tmp) is a temporary failure;
/// - the file is opened without following a symbolic link;
/// - it must be a regular file owned by the user, not writable by group or others, and every directory from it
///   up to the home directory must be owned by root or the user and not writable by group or others.
///
/// Tern reads the file itself instead of passing a descriptor around, and stops after `ExpansionLimits`'s
/// .forward size (a larger file fails anyway).
public struct SystemExpansionFiles: ExpansionFileReader {
    public init() {}

    public func forwardFile(for user: TableValue.UserInfo) -> ForwardFileResult {
        let path = user.directory + "/.forward"
        guard path.utf8.count < Int(PATH_MAX) else { return .permanentFailure("\(path): path too long") }
        var directoryStatus = stat()
        if stat(user.directory, &directoryStatus) != 0 {
            // OpenSMTPD passes stat's errno on: ENOENT reads as "no .forward", anything else as a failure.
            return errno == ENOENT ? .missing : .permanentFailure("\(user.directory): \(Self.errorText(errno))")
        }
        if directoryStatus.st_mode & S_ISVTX != 0 { return .temporaryFailure("\(user.directory) is sticky") }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        if descriptor < 0 {
            let error = errno
            switch error {
            case ENOENT: return .missing
            case EMFILE, ENFILE, EIO: return .temporaryFailure("\(path): \(Self.errorText(error))")
            case ELOOP: return .permanentFailure("\(path): cannot follow symbolic links")
            default: return .permanentFailure("\(path): \(Self.errorText(error))")
            }
        }
        defer { close(descriptor) }
        guard isSecure(descriptor, path: path, home: user.directory, uid: uid_t(user.uid)) else {
            return .permanentFailure("\(path): unsecure file")
        }
        guard let bytes = Self.read(descriptor, limit: ExpansionLimits.forwardFileSize) else {
            return .temporaryFailure("\(path): \(Self.errorText(errno))")
        }
        return .contents(bytes)
    }

    public func includeFile(at path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return Self.read(descriptor, limit: 64 << 20)
    }

    /// `secure_file(fd, path, home, uid, 1)`.
    private func isSecure(_ descriptor: Int32, path: String, home: String, uid: uid_t) -> Bool {
        guard let canonical = realpath(path, nil) else { return false }
        var current = String(cString: canonical)
        free(canonical)
        var homeCanonical = ""
        if let resolved = realpath(home, nil) {
            homeCanonical = String(cString: resolved)
            free(resolved)
        }
        var fileStatus = stat()
        guard fstat(descriptor, &fileStatus) == 0, fileStatus.st_mode & S_IFMT == S_IFREG,
              fileStatus.st_uid == uid, fileStatus.st_mode & 0o022 == 0
        else { return false }
        while true {
            current = Self.directoryName(current)
            var status = stat()
            guard stat(current, &status) == 0, status.st_uid == 0 || status.st_uid == uid,
                  status.st_mode & 0o022 == 0
            else { return false }
            if current == homeCanonical || current == "/" || current == "." { return true }
        }
    }

    private static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// Reads up to `limit + 1` bytes, so that a caller can tell a file over the limit; nil on a read error.
    private static func read(_ descriptor: Int32, limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
