/// The control socket's wire format between `smtpctl` and `smtpd`: one request line, then response lines until
/// the daemon closes the connection.
///
/// ```
/// request:   COMMAND [TAB ARGUMENT]... LF        e.g. "show-queue\n", "update-table\tvirtuals\n"
/// response:  "1 " TEXT LF                        a line for smtpctl's standard output
///            "2 " TEXT LF                        a line for its standard error
///            "x " STATUS LF                      smtpctl's exit status; always last
/// ```
/// COMMAND is the name ``CommandTree`` resolves (`show-queue`, `pause-mda`, `reload`…). Text is UTF-8 without
/// line breaks; a multi-line answer is several lines. Plain text keeps the socket debuggable with `socat`.
public enum ControlProtocol {
    public struct Request: Sendable, Hashable {
        public var command: String
        public var arguments: [String]

        public init(command: String, arguments: [String] = []) {
            self.command = command
            self.arguments = arguments
        }

        /// Nil when a word holds a tab or a line break, which the format cannot carry.
        public var encoded: [UInt8]? {
            let words = [command] + arguments
            guard words.allSatisfy({ !$0.contains("\t") && !$0.contains("\n") && !$0.contains("\r") }) else {
                return nil
            }
            return Array((words.joined(separator: "\t") + "\n").utf8)
        }

        /// Parses one request line (without its LF).
        public init?(line: some Collection<UInt8>) {
            guard !line.isEmpty, line.count <= 4096 else { return nil }
            let words = line.split(separator: 0x09, omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            guard let first = words.first, !first.isEmpty else { return nil }
            self.init(command: first, arguments: Array(words.dropFirst()))
        }
    }

    public enum ResponseLine: Sendable, Hashable {
        case output(String)
        case error(String)
        case exit(Int32)

        public var encoded: [UInt8] {
            switch self {
            case .output(let text): Array(("1 " + Self.oneLine(text) + "\n").utf8)
            case .error(let text): Array(("2 " + Self.oneLine(text) + "\n").utf8)
            case .exit(let status): Array("x \(status)\n".utf8)
            }
        }

        public init?(line: some Collection<UInt8>) {
            let text = String(decoding: line, as: UTF8.self)
            guard text.count >= 2, text.dropFirst().first == " " else { return nil }
            let body = String(text.dropFirst(2))
            switch text.first {
            case "1": self = .output(body)
            case "2": self = .error(body)
            case "x":
                guard let status = Int32(body) else { return nil }
                self = .exit(status)
            default: return nil
            }
        }

        private static func oneLine(_ text: String) -> String {
            String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
        }
    }
}
