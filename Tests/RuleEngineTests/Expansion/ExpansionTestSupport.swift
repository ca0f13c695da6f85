import ConfParser
import RuleEngine

/// .forward and include files from memory.
struct FakeFiles: ExpansionFileReader {
    /// By user name.
    var forwards: [String: ForwardFileResult] = [:]
    /// By path.
    var includes: [String: String] = [:]

    func forwardFile(for user: TableValue.UserInfo) -> ForwardFileResult { forwards[user.username] ?? .missing }
    func includeFile(at path: String) -> [UInt8]? { includes[path].map { Array($0.utf8) } }

    static func forward(_ text: String) -> ForwardFileResult { .contents(Array(text.utf8)) }
}

extension EngineFixture {
    func expander(files: FakeFiles = FakeFiles(), rulesetOptions: RulesetOptions = .init()) -> RecipientExpander {
        if let realTables {
            return try! RecipientExpander(
                config: config, ruleset: ruleset(rulesetOptions), tables: realTables, files: files)
        }
        return try! RecipientExpander(config: config, ruleset: ruleset(rulesetOptions), tables: tables, files: files)
    }

    /// Expands `rcpt` for a session (remote, unauthenticated by default).
    func expand(
        _ rcpt: String, session: SessionFacts = .remote(), from sender: String = "sender@example.net",
        files: FakeFiles = FakeFiles()
    ) -> ExpansionResult {
        expander(files: files).expand(RecipientRequest(session, from: sender, to: rcpt))
    }
}

extension ExpansionResult {
    /// The reply line of a refusal, or nil.
    var replyLine: String? { refusal?.reply.line }

    /// One line per envelope: `dest method target user`, for compact expectations.
    var deliveries: [String] {
        envelopes.map { envelope in
            let target: String
            switch envelope.delivery {
            case .maildir(let path, _), .mbox(let path), .file(let path): target = path
            case .lmtp(let destination, _): target = destination
            case .mda(let command), .pipe(let command): target = command
            case .relay(let route):
                switch route {
                case .mx(let domain): target = "mx:" + domain
                case .smarthost(let url), .domainRelay(let url): target = url
                case .unavailable(let reason): target = "unavailable:" + reason
                }
            }
            return [envelope.dest.text, envelope.delivery.methodName, target, envelope.user ?? "-"]
                .joined(separator: " ")
        }
    }
}
