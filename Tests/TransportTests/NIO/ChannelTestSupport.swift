import NIOCore
import NIOEmbedded
import NIOSSL
import Synchronization
@testable import Transport

/// A `SessionPolicy` for channel tests: accepts like `FakePolicy`, records every call in order, and can be made
/// slow for given recipients to show that late answers still come out in order.
actor RecordingPolicy: SessionPolicy {
    private(set) var calls: [String] = []
    private(set) var message: [UInt8] = []
    /// Recipients (local parts) whose answer is delayed.
    var slowRecipients: Set<String> = []
    /// When set, every RCPT's answer waits until it opens.
    let gate: Gate?
    /// When set, the `messageAccepted` event is noted there.
    let order: OrderLog?
    private var fake = FakePolicy()

    init(slowRecipients: Set<String> = [], gate: Gate? = nil, order: OrderLog? = nil) {
        self.slowRecipients = slowRecipients
        self.gate = gate
        self.order = order
    }

    func record(_ event: SMTPSessionEvent, session: SMTPSessionInfo) async {
        if case .messageAccepted(let id) = event { order?.append("accepted \(id)") }
    }


    func connect(session: SMTPSessionInfo) async -> ConnectDecision {
        calls.append("connect")
        return .accept()
    }

    func authenticate(session: SMTPSessionInfo, credentials: SASLCredentials) async -> AuthenticationResult {
        calls.append("auth \(credentials.username)")
        return .failure
    }

    func mailFrom(session: SMTPSessionInfo, sender: MailPath, parameters: MailParameters) async -> MailFromDecision {
        calls.append("mail tls=\(session.isSecure)")
        guard case .mailFrom(let decision) = fake.answer(.mailFrom(sender, parameters)) else { fatalError() }
        return decision
    }

    func rcptTo(session: SMTPSessionInfo, transaction: SMTPTransactionInfo, recipient: Mailbox,
        parameters: RecipientParameters) async -> RecipientDecision
    {
        if slowRecipients.contains(recipient.localPart) { try? await Task.sleep(for: .milliseconds(100)) }
        await gate?.wait()
        calls.append("rcpt \(recipient.localPart)")
        guard case .rcptTo(let decision) = fake.answer(.rcptTo(recipient, parameters)) else { fatalError() }
        return decision
    }

    func openMessage(session: SMTPSessionInfo, transaction: SMTPTransactionInfo) async -> MessageOpening {
        calls.append("open")
        return .opened(timestamp: FakePolicy.timestamp, uniqueToken: 0xfeed)
    }

    func appendMessage(_ transaction: SMTPTransactionInfo, data: [UInt8]) async {
        message += data
    }

    func commitMessage(session: SMTPSessionInfo, transaction: SMTPTransactionInfo, size: Int) async -> CommitResult {
        calls.append("commit \(message.count)")
        return .accepted
    }

    func abortTransaction(_ transaction: SMTPTransactionInfo) async {
        calls.append("abort")
    }
}

/// What reached the socket and what the policy heard, in the order it happened.
final class OrderLog: Sendable {
    private let log = Mutex<[String]>([])
    func append(_ entry: String) { log.withLock { $0.append(entry) } }
    var entries: [String] { log.withLock { $0 } }
}

/// Holds back whoever waits on it until the test opens it.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}

/// Reads what a channel wrote as SMTP reply lines, waiting for writes that the policy's answers cause later.
struct ReplyReader {
    var pending = ""

    /// Waits until `count` complete replies (final lines) arrived and returns their lines.
    mutating func replies(_ count: Int, from next: () async throws -> ByteBuffer?) async throws -> [String] {
        var lines: [String] = []
        var finals = 0
        var idle = 0
        while finals < count {
            if let range = pending.firstRange(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                lines.append(line)
                if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { finals += 1 }
                continue
            }
            if let buffer = try await next() {
                pending += String(buffer: buffer)
                idle = 0
            } else {
                idle += 1
                if idle > 500 { throw ReplyTimeout(lines: lines) }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return lines
    }

    struct ReplyTimeout: Error { var lines: [String] }
}

extension NIOAsyncTestingChannel {
    /// A connected channel running an ``SMTPServerHandler``.
    static func smtpServer(_ configuration: SMTPSessionConfiguration = .test(), policy: any SessionPolicy,
        tlsContext: NIOSSLContext? = nil) async throws -> NIOAsyncTestingChannel
    {
        let channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandler(
                SMTPServerHandler(configuration: configuration, policy: policy, tlsContext: tlsContext))
        }
        // The testing channel reports the address it "connected" to as the peer's.
        try await channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 50000)).get()
        return channel
    }

    func send(_ text: String) async throws {
        try await writeInbound(ByteBuffer(string: text))
    }

    /// The next buffer the handler wrote, if any, after running the jobs queued on the loop: the policy calls
    /// run there (EventLoopTaskExecutor), and the testing loop runs what the loop queues for itself only
    /// when told to.
    func nextOutbound() async throws -> ByteBuffer? {
        await testingEventLoop.run()
        return try await readOutbound(as: ByteBuffer.self)
    }
}
