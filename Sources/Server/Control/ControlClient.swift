#if canImport(Glibc)
import Glibc
#endif

/// `smtpctl`'s side of the control socket: sends one request, prints what the daemon answers as it arrives
/// (so `monitor` streams), and returns the daemon's exit status.
public enum ControlClient {
    /// The socket `smtpctl` talks to: `TERN_CONTROL_SOCKET`, or the daemon's default.
    public static var socketPath: String {
        if let path = overridePath.withLock({ $0 }) { return path }
        if let path = getenv("TERN_CONTROL_SOCKET") { return String(cString: path) }
        return ControlClient.defaultSocketPath
    }

    /// Set from `-s PATH`; wins over the environment.
    static let overridePath = Locked<String?>(nil)

    /// OpenSMTPD's `SMTPD_SOCKET`, so that scripts looking for a running smtpd find Tern where they look.
    public static let defaultSocketPath = "/var/run/smtpd.sock"

    /// The socket from smtpctl's own `-s PATH` (Tern's addition), which goes before the command words.
    /// Returns the path, if given, and the words that follow.
    public static func socketOption(_ arguments: [String]) -> (path: String?, rest: [String]) {
        guard arguments.count >= 2, arguments[0] == "-s" else { return (nil, arguments) }
        return (arguments[1], Array(arguments.dropFirst(2)))
    }

    public static func send(_ request: ControlProtocol.Request, socketPath: String = ControlClient.socketPath) -> Int32 {
        guard let bytes = request.encoded else {
            StandardError.write("smtpctl: invalid argument")
            return 1
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            StandardError.write("smtpctl: socket: \(String(cString: strerror(errno)))")
            return 1
        }
        defer { close(fd) }
        guard connectUnix(fd, path: socketPath) else {
            StandardError.write("smtpctl: smtpd doesn't seem to be running")
            return 1
        }
        guard writeAll(fd, bytes) else {
            StandardError.write("smtpctl: write: \(String(cString: strerror(errno)))")
            return 1
        }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending += buffer[0..<count]
            while let newline = pending.firstIndex(of: 0x0a) {
                let line = pending[..<newline]
                pending.removeSubrange(...newline)
                switch ControlProtocol.ResponseLine(line: line) {
                case .output(let text)?: StandardOutput.write(text + "\n")
                case .error(let text)?: StandardError.write(text)
                case .exit(let status)?: return status
                case nil: StandardError.write("smtpctl: unreadable answer from smtpd")
                }
            }
        }
        StandardError.write("smtpctl: smtpd closed the connection without an answer")
        return 1
    }

    static func connectUnix(_ fd: Int32, path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        } == 0
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
