@testable import Transport

/// The policy answers a test session gets: accept everything except a few recognisable addresses.
struct FakePolicy {
    var connect = ConnectDecision.accept()
    /// The answer to `identifyClient` (asked after `acceptThenIdentify`).
    var identifiedName: String? = "looked-up.example.net"
    /// user → password.
    var users: [String: String] = ["bob": "secret"]
    var authenticationOutcome: AuthenticationResult?
    var senderDecision: MailFromDecision?
    var openOutcome: MessageOpening?
    var commitOutcome: CommitResult = .accepted
    var nextMessageNumber = 0x0a1b2c3d
    static let timestamp = MessageTimestamp(year: 2026, month: 1, day: 5, weekday: 1, hour: 9, minute: 3, second: 7,
        utcOffsetSeconds: 3600, zoneName: "CET")

    mutating func answer(_ request: SessionPolicyRequest) -> SessionPolicyAnswer {
        switch request {
        case .connect:
            return .connect(connect)
        case .identifyClient:
            return .identifyClient(reverseName: identifiedName)
        case .authenticate(let credentials):
            if let authenticationOutcome { return .authenticate(authenticationOutcome) }
            let ok = users[credentials.username].map { Array($0.utf8) == credentials.password } ?? false
            return .authenticate(ok ? .success : .failure)
        case .mailFrom:
            if let senderDecision { return .mailFrom(senderDecision) }
            defer { nextMessageNumber += 1 }
            return .mailFrom(.accept(messageID: String(nextMessageNumber, radix: 16)))
        case .rcptTo(let mailbox, _):
            if mailbox.localPart.hasPrefix("nobody") { return .rcptTo(.reject(.invalidRecipient)) }
            if mailbox.localPart.hasPrefix("temp") { return .rcptTo(.reject(.temporaryFailure)) }
            if mailbox.localPart.hasPrefix("list") { return .rcptTo(.reject(.expansionFailed(permanent: true))) }
            return .rcptTo(.accept)
        case .openMessage:
            return .openMessage(openOutcome ?? .opened(timestamp: Self.timestamp, uniqueToken: 0xfeed))
        case .commitMessage:
            return .commitMessage(commitOutcome)
        }
    }
}

/// Drives a state machine like the NIO handler will: answers every question at once, collects replies, and
/// keeps the data of committed messages.
struct SessionHarness {
    var machine: SMTPSessionStateMachine
    var policy = FakePolicy()
    /// Every action, in order.
    private(set) var actions: [SMTPSessionAction] = []
    /// Message data of the transaction in progress.
    private(set) var pending: [UInt8] = []
    /// Committed messages (as queued: LF line ends, Received first).
    private(set) var committed: [String] = []
    private(set) var aborted = 0
    private(set) var questions: [SessionPolicyRequest] = []
    /// Answer questions automatically; when false they stay out until `answer(_:)`.
    var autoAnswer = true

    init(_ configuration: SMTPSessionConfiguration = .init(serverName: "mx.example.org"),
        client: SMTPClientInfo = .init(address: "192.0.2.1", reverseName: "client.example.net"), tls: TLSInfo? = nil,
        policy: FakePolicy = FakePolicy(), start: Bool = true)
    {
        machine = SMTPSessionStateMachine(configuration: configuration, client: client, tls: tls)
        self.policy = policy
        if start { _ = run(machine.start()) }
    }

    var closed: Bool { machine.isClosed }

    /// Sends text (use `\r\n`), returns the replies that came back.
    @discardableResult
    mutating func send(_ text: String) -> [SMTPReply] {
        send(bytes: Array(text.utf8))
    }

    @discardableResult
    mutating func send(bytes: [UInt8]) -> [SMTPReply] {
        run(machine.receive(bytes))
    }

    /// Answers the question that is out, by hand.
    @discardableResult
    mutating func answer(_ answer: SessionPolicyAnswer) -> [SMTPReply] {
        run(machine.answer(answer))
    }

    @discardableResult
    mutating func tlsEstablished(_ info: TLSInfo = TLSInfo(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384",
        cipherBits: 256)) -> [SMTPReply]
    {
        run(machine.tlsEstablished(info))
    }

    @discardableResult
    mutating func timeout() -> [SMTPReply] { run(machine.idleTimeout()) }

    /// Replies as text lines without CRLF (multi-line replies joined with CRLF).
    mutating func say(_ text: String) -> [String] { send(text).map(\.description) }

    /// Carries out actions, answering questions, and returns the replies.
    private mutating func run(_ first: [SMTPSessionAction]) -> [SMTPReply] {
        var replies: [SMTPReply] = []
        var queue = first
        while !queue.isEmpty {
            let action = queue.removeFirst()
            actions.append(action)
            switch action {
            case .send(let reply):
                replies.append(reply)
            case .ask(let request):
                questions.append(request)
                if case .commitMessage = request, case .accepted = policy.commitOutcome {
                    committed.append(String(decoding: pending, as: UTF8.self))
                    pending = []
                }
                if autoAnswer {
                    let answer = policy.answer(request)
                    queue += machine.answer(answer)
                }
            case .appendMessage(let data):
                pending += data
            case .abortTransaction:
                aborted += 1
                pending = []
            case .startTLS, .discardedInput, .armIdleTimer, .close, .event:
                break
            }
        }
        return replies
    }

    /// The discarded-input reports.
    var discards: [(Int, SMTPSessionAction.DiscardReason)] {
        actions.compactMap {
            if case .discardedInput(let count, let reason) = $0 { return (count, reason) }
            return nil
        }
    }
}

extension SMTPSessionConfiguration {
    static func test(_ change: (inout SMTPSessionConfiguration) -> Void = { _ in }) -> SMTPSessionConfiguration {
        var configuration = SMTPSessionConfiguration(serverName: "mx.example.org")
        change(&configuration)
        return configuration
    }
}
