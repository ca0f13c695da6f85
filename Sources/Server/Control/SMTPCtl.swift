#if canImport(Glibc)
import Glibc
#endif

/// smtpctl's entry point: picks the personality from the program name, as OpenSMTPD's smtpctl does
/// (`mailq` is `show queue`; `sendmail`, `makemap` and `newaliases` are their own programs), then resolves
/// the command words and runs the handler.
public struct SMTPCtl {
    /// A command's implementation: arguments in, exit status out, text written by the handler itself.
    public typealias Handler = @Sendable (_ parameters: [CommandTree.Parameter], _ words: [String]) -> Int32

    public var handlers: [String: Handler]
    public var isPrivileged: Bool
    /// Commands anyone may run; the others need root, as in OpenSMTPD.
    public static let unprivilegedCommands: Set<String> = ["encrypt", "spf-walk", "route"]

    public init(handlers: [String: Handler], isPrivileged: Bool = geteuid() == 0) {
        self.handlers = handlers
        self.isPrivileged = isPrivileged
    }

    public func run(programName: String, arguments: [String]) -> Int32 {
        let name = programName.split(separator: "/").last.map(String.init) ?? programName
        switch name {
        case "mailq":
            return dispatch(["show", "queue"])
        case "sendmail", "send-mail", "makemap", "newaliases":
            if let handler = handlers[name] { return handler([], arguments) }
            StandardError.write("\(name): this personality is not available yet in Tern")
            return 1
        default:
            let (socket, words) = ControlClient.socketOption(arguments)
            if let socket { ControlClient.overridePath.withLock { $0 = socket } }
            return dispatch(words)
        }
    }

    private func dispatch(_ words: [String]) -> Int32 {
        // `route` and `encrypt --scheme` take options, which the word tree does not model: hand them over whole.
        if let first = words.first, first == "route" || (first == "encrypt" && words.count > 2),
            let handler = handlers[first]
        {
            return handler([], words)
        }
        switch CommandTree.smtpctl.resolve(words) {
        case .failure(let lines):
            for line in lines { StandardError.write(line) }
            return 255
        case .command(let command, let parameters):
            if !isPrivileged && !Self.unprivilegedCommands.contains(command) {
                StandardError.write("smtpctl: need root privileges")
                return 1
            }
            guard let handler = handlers[command] else {
                // Every other command talks to the daemon over the control socket.
                return ControlClient.send(ControlProtocol.Request(command: command,
                    arguments: Self.controlArguments(parameters, words: words)))
            }
            return handler(parameters, words)
        }
    }
}

extension SMTPCtl {
    /// The daemon's arguments: each placeholder's value as text (ids in hex), or `all` for the commands that
    /// end with that keyword (`schedule all`, which the tree matches as a word, possibly abbreviated).
    static func controlArguments(_ parameters: [CommandTree.Parameter], words: [String]) -> [String] {
        if parameters.isEmpty, let last = words.last, words.count > 1, !last.isEmpty, "all".hasPrefix(last) {
            return ["all"]
        }
        return parameters.map { parameter in
            switch parameter {
            case .string(let text), .address(let text): text
            case .integer(let value): String(value)
            case .messageID(let id): MessageID(rawValue: id)?.description ?? String(id, radix: 16)
            case .envelopeID(let id), .routeID(let id): EnvelopeID(rawValue: id)?.description ?? String(id, radix: 16)
            }
        }
    }
}

/// Unbuffered writes to standard error and standard output, so that their order survives a terminal.
public enum StandardError {
    public static func write(_ line: String) { FileDescriptorWriter.write(2, line + "\n") }
}

public enum StandardOutput {
    public static func write(_ text: String) { FileDescriptorWriter.write(1, text) }
}

enum FileDescriptorWriter {
    static func write(_ fd: Int32, _ text: String) { write(fd, bytes: Array(text.utf8)) }

    static func write(_ fd: Int32, bytes: [UInt8]) {
        var bytes = bytes
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }
            offset += written
        }
    }
}

public enum StandardInput {
    /// Everything on standard input, up to end of file.
    public static func readAll() -> [UInt8] { FileDescriptorReader.readAll(0) }
}

enum FileDescriptorReader {
    /// Everything `fd` gives, up to end of file or the first error.
    static func readAll(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }
}
