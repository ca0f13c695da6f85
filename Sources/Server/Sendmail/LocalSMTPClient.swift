#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking SMTP client over the daemon's local unix socket, for sendmail: commands and replies
/// line by line, and DATA with CRLF line ends and dot-stuffing.
final class LocalSMTPClient {
    struct Reply: CustomStringConvertible {
        var code: Int
        var lines: [String]
        var description: String { lines.map { "\(code) \($0)" }.joined(separator: "\n") }
        var text: String { "\(code) " + lines.joined(separator: " ") }
    }

    struct ConnectionError: Error {}

    private let fd: Int32
    private var buffer: [UInt8] = []
    let verbose: Bool

    init(socketPath: String, verbose: Bool) throws(ConnectionError) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        self.verbose = verbose
        guard fd >= 0, ControlClient.connectUnix(fd, path: socketPath) else {
            if fd >= 0 { close(fd) }
            throw ConnectionError()
        }
    }

    deinit { close(fd) }

    func readReply() throws(ConnectionError) -> Reply {
        var lines: [String] = []
        while true {
            let line = try readLine()
            if verbose { StandardOutput.write("<<< \(line)\n") }
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
                throw ConnectionError()
            }
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            if bytes.count < 4 || bytes[3] != UInt8(ascii: "-") { return Reply(code: code, lines: lines) }
        }
    }

    func command(_ line: String) throws(ConnectionError) -> Reply {
        if verbose { StandardOutput.write(">>> \(line)\n") }
        try write(Array((line + "\r\n").utf8))
        return try readReply()
    }

    /// The message after a 354: CRLF line ends, leading dots doubled, then the final dot.
    func sendMessage(_ message: [UInt8]) throws(ConnectionError) -> Reply {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 40 + 8)
        var atLineStart = true
        for byte in message {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(byte) }
            if byte == 0x0a {
                if out.last != 0x0d { out.append(0x0d) }
                out.append(0x0a)
                atLineStart = true
                continue
            }
            out.append(byte)
            atLineStart = false
        }
        if !atLineStart { out += [0x0d, 0x0a] }
        out += Array(".\r\n".utf8)
        try write(out)
        return try readReply()
    }

    private func write(_ bytes: [UInt8]) throws(ConnectionError) {
        guard ControlClient.writeAll(fd, bytes) else { throw ConnectionError() }
    }

    private func readLine() throws(ConnectionError) -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0a) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == 0x0d { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ConnectionError() }
            buffer += chunk[0..<count]
        }
    }

    /// `sendmail -bs`: copies standard input to the socket and the socket to standard output until either
    /// side closes.
    func relayStandardStreams() {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        if !buffer.isEmpty { _ = ControlClient.writeAll(1, buffer) }
        var chunk = [UInt8](repeating: 0, count: 8192)
        while poll(&fds, 2, -1) >= 0 {
            for (index, source) in [(0, Int32(0)), (1, fd)] where fds[index].revents != 0 {
                let count = read(source, &chunk, chunk.count)
                if count <= 0 { return }
                let target: Int32 = source == 0 ? fd : 1
                guard ControlClient.writeAll(target, Array(chunk[0..<count])) else { return }
            }
        }
    }
}
