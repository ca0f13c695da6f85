#if canImport(Glibc)
import Glibc
#endif

/// smtpctl's command words, matched as OpenSMTPD's parser.c matches them: word by word against a tree of
/// patterns, where a word may be cut to any unambiguous prefix of a keyword, and placeholders take values by
/// their type (`<evpid>` is 16 hex digits, `<msgid>` 8, and so on).
public struct CommandTree: Sendable {
    public enum Placeholder: String, Sendable, Hashable {
        case string = "<str>", integer = "<int>", messageID = "<msgid>", envelopeID = "<evpid>"
        case routeID = "<routeid>", address = "<addr>"
    }

    /// A value taken by a placeholder.
    public enum Parameter: Sendable, Hashable {
        case string(String)
        case integer(Int)
        case messageID(UInt32)
        case envelopeID(UInt64)
        case routeID(UInt64)
        case address(String)
    }

    final class Node: @unchecked Sendable {
        let token: String
        let placeholder: Placeholder?
        var children: [Node] = []
        var command: String?
        init(token: String) {
            self.token = token
            self.placeholder = Placeholder(rawValue: token)
        }
    }

    let root = Node(token: "")

    public init(patterns: [(String, String)]) {
        for (pattern, command) in patterns { install(pattern, command: command) }
    }

    private func install(_ pattern: String, command: String) {
        var node = root
        for word in pattern.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            if let child = node.children.first(where: { $0.token == word }) {
                node = child
            } else {
                let child = Node(token: word)
                node.children.append(child)
                node = child
            }
        }
        precondition(node.command == nil, "duplicate pattern: \(pattern)")
        node.command = command
    }

    public enum Resolution: Sendable, Hashable {
        case command(String, [Parameter])
        /// OpenSMTPD's message for words it cannot resolve, for standard error; smtpctl then exits 255.
        case failure([String])
    }

    /// OpenSMTPD's `cmd_run`: an exact or typed match first, then a unique keyword prefix.
    public func resolve(_ words: [String]) -> Resolution {
        var node = root
        var path: [String] = []
        var parameters: [Parameter] = []
        for word in words {
            if let child = node.children.first(where: { Self.accepts(word, $0) != nil }) {
                if let value = Self.accepts(word, child), child.placeholder != nil { parameters.append(value) }
                node = child
                path.append(child.token)
                continue
            }
            let prefixed = node.children.filter { $0.placeholder == nil && $0.token.hasPrefix(word) }
            guard prefixed.count == 1 else { return .failure(Self.possibilities(node, path)) }
            node = prefixed[0]
            path.append(node.token)
        }
        guard let command = node.command else { return .failure(Self.possibilities(node, path)) }
        return .command(command, parameters)
    }

    private static func possibilities(_ node: Node, _ path: [String]) -> [String] {
        guard !node.children.isEmpty else { return ["invalid command"] }
        return ["possibilities are:"] + node.children.map { (path + [$0.token]).joined(separator: " ") }
    }

    /// OpenSMTPD's `cmd_check`: whether a word fills a node, and with what value.
    static func accepts(_ word: String, _ node: Node) -> Parameter? {
        guard let placeholder = node.placeholder else { return word == node.token ? .string(word) : nil }
        switch placeholder {
        case .string:
            return .string(word)
        case .integer:
            guard let value = Int(word), value >= Int(Int32.min), value <= Int(Int32.max) else { return nil }
            return .integer(value)
        case .messageID:
            guard word.utf8.count == 8, let value = UInt32(word, radix: 16), value != 0 else { return nil }
            return .messageID(value)
        case .envelopeID:
            guard word.utf8.count == 16, let value = UInt64(word, radix: 16), value != 0 else { return nil }
            return .envelopeID(value)
        case .routeID:
            guard let value = UInt64(word), value >= 1, value <= UInt64(Int64.max) else { return nil }
            return .routeID(value)
        case .address:
            var v4 = in_addr()
            var v6 = in6_addr()
            guard inet_pton(AF_INET, word, &v4) == 1 || inet_pton(AF_INET6, word, &v6) == 1 else { return nil }
            return .address(word)
        }
    }
}

extension CommandTree {
    /// smtpctl's commands in OpenSMTPD's installation order (which is the order `possibilities are:` lists
    /// them), followed by Tern's own. The second element names the handler.
    public static let smtpctl = CommandTree(patterns: [
        ("discover <evpid>", "discover"), ("discover <msgid>", "discover"),
        ("pause mta from <addr> for <str>", "pause-mta-route"), ("resume mta from <addr> for <str>", "resume-mta-route"),
        ("show mta paused", "show-mta-paused"), ("log brief", "log-brief"), ("log verbose", "log-verbose"),
        ("monitor", "monitor"), ("pause envelope <evpid>", "pause-envelope"), ("pause envelope <msgid>", "pause-envelope"),
        ("pause envelope all", "pause-envelope"), ("pause mda", "pause-mda"), ("pause mta", "pause-mta"),
        ("pause smtp", "pause-smtp"), ("profile <str>", "profile"), ("remove <evpid>", "remove"),
        ("remove <msgid>", "remove"), ("remove all", "remove"), ("resume envelope <evpid>", "resume-envelope"),
        ("resume envelope <msgid>", "resume-envelope"), ("resume envelope all", "resume-envelope"),
        ("resume mda", "resume-mda"), ("resume mta", "resume-mta"), ("resume route <routeid>", "resume-route"),
        ("resume smtp", "resume-smtp"), ("schedule <msgid>", "schedule"), ("schedule <evpid>", "schedule"),
        ("schedule all", "schedule"), ("show envelope <evpid>", "show-envelope"), ("show hoststats", "show-hoststats"),
        ("show message <msgid>", "show-message"), ("show message <evpid>", "show-message"), ("show queue", "show-queue"),
        ("show queue <msgid>", "show-queue"), ("show hosts", "show-hosts"), ("show relays", "show-relays"),
        ("show routes", "show-routes"), ("show stats", "show-stats"), ("show status", "show-status"),
        ("trace <str>", "trace"), ("unprofile <str>", "unprofile"), ("untrace <str>", "untrace"),
        ("update table <str>", "update-table"),
        ("encrypt", "encrypt"), ("encrypt <str>", "encrypt"), ("spf walk", "spf-walk"),
        // Tern's additions.
        ("reload", "reload"), ("route", "route"),
    ])
}
