/// The server side of one SMTP session, as a pure value: bytes and policy answers in, ``SMTPSessionAction``s
/// out. No channel, clock or queue is touched, so every transcript can be tested (and fuzzed) in memory.
///
/// It follows OpenSMTPD's `smtp_session.c`: the same states (connected, HELO, AUTH, body, quit), the same checks
/// in the same order before each command proceeds, and the same reply texts (``Replies``). Where Tern differs,
/// on purpose:
/// - **PIPELINING** (RFC 2920) is advertised and honoured. OpenSMTPD answers any pipelined input with
///   `500 5.5.1 Invalid command: Pipelining not supported` and quits. Here the framer keeps what the client sent
///   ahead, and the machine takes the next command only when the previous one is answered (including the
///   policy's answer), so replies come back in order. A command that changes how input is read takes effect for
///   the bytes right after it: after DATA's 354 they are message lines, after `BDAT n` exactly n octets are chunk
///   data, after an AUTH challenge they are SASL lines, after QUIT they are dropped, and after STARTTLS they are
///   dropped and reported (``SMTPSessionAction/DiscardReason/pipelinedAfterSTARTTLS``), never read as commands.
/// - **EHLO/HELO again** resets the transaction as RFC 5321 §4.1.4 requires; OpenSMTPD refuses it with
///   `503 … Already identified`.
/// - **tls-require** gates every command but EHLO, HELO, STARTTLS, NOOP, RSET and QUIT (issue #4); OpenSMTPD
///   gates only MAIL.
/// - **Strict line ends**: see ``SMTPLineFramer`` (the SMTP smuggling defence). A message holding a NUL octet is
///   refused at its end (`554 5.6.0`), since a NUL-dropping server downstream would read `CRLF NUL . CRLF` as
///   the end of data.
/// - **SIZE** is checked at MAIL FROM (552), message size overruns get 552 instead of 554, a 421 always closes,
///   and a hard error limit cuts off clients that only send junk.
///
/// Usage: ``start()`` once, then ``receive(_:)`` for every read, ``answer(_:)`` for every
/// ``SMTPSessionAction/ask(_:)``, ``tlsEstablished(_:)`` after ``SMTPSessionAction/startTLS``, ``idleTimeout()``
/// when the timer fires and ``connectionClosed()`` if the peer goes away. The owner should stop reading from the
/// socket while ``isWaitingForPolicy`` (input then waits in ``bufferedByteCount``).
public struct SMTPSessionStateMachine: Sendable {
    public let configuration: SMTPSessionConfiguration
    /// What is known about the client; passed to the policy.
    public internal(set) var session: SMTPSessionInfo
    /// The transaction in progress, if any.
    public var transaction: SMTPTransactionInfo? { current?.info }

    var framer = SMTPLineFramer()
    var phase = Phase.initial
    var current: Transaction?
    var errorCount = 0
    /// Set when input was consumed (a line, or BDAT octets) since the last read began.
    var progressed = false
    /// The command being answered, as the logs may show it (see ``SMTPSessionEvent/failedCommand(command:reply:)``).
    var commandForLog: String?
    /// Why the session ended, once it did.
    public internal(set) var closeReason: String?
    var output: [SMTPSessionAction] = []

    enum Phase: Sendable {
        /// Before ``start()``.
        case initial
        /// A policy question is out.
        case waiting(Pending)
        /// Reading command lines.
        case commands
        /// Reading SASL response lines.
        case auth(SASLServer)
        /// Reading DATA lines.
        case message
        /// Reading BDAT chunk octets.
        case chunk(remaining: Int, size: Int, last: Bool, disposition: ChunkDisposition)
        /// STARTTLS accepted; waiting for the handshake.
        case tlsHandshake
        case closed
    }

    enum Pending: Sendable {
        case connect
        case identifyClient
        case authenticate(username: String)
        case mailFrom(MailPath, MailParameters)
        case rcptTo(SMTPRecipient)
        case openMessage(OpenPurpose)
        case commit
    }

    enum OpenPurpose: Sendable {
        case data
        case chunk(size: Int, last: Bool)
    }

    enum ChunkDisposition: Sendable {
        case append
        /// Read and drop the chunk, then send this reply (RFC 3030 §2: the reply follows the data).
        case discard(SMTPReply)
    }

    struct Transaction: Sendable {
        var info: SMTPTransactionInfo
        var assembler: MessageAssembler?
        var splitter: ChunkLineSplitter?
        var usedBDAT = false
        var chunkOctets = 0
    }

    /// Output is handed to the owner in pieces of about this size.
    static let messageDataBatchSize = 64 * 1024

    /// - Parameters:
    ///   - configuration: the listener's settings.
    ///   - client: the peer.
    ///   - tls: set for `smtps` listeners, where TLS is up before the first byte.
    public init(configuration: SMTPSessionConfiguration, client: SMTPClientInfo, tls: TLSInfo? = nil) {
        self.configuration = configuration
        self.session = SMTPSessionInfo(client: client, serverName: configuration.serverName, helo: nil,
            usedEHLO: false, tls: tls, isAuthenticated: client.isLocalEnqueue, authenticatedUser: nil,
            messageCount: 0)
    }

    /// True while a policy question is unanswered.
    public var isWaitingForPolicy: Bool {
        if case .waiting = phase { return true }
        return false
    }

    public var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    /// Received bytes not processed yet.
    public var bufferedByteCount: Int { framer.bufferedByteCount }

    // MARK: Events

    /// The connection is up (and, for smtps, TLS too): asks the policy whether to greet.
    public mutating func start() -> [SMTPSessionAction] {
        guard case .initial = phase else { return [] }
        ask(.connect, pending: .connect)
        return finish()
    }

    /// Bytes from the client.
    public mutating func receive(_ bytes: some Sequence<UInt8>) -> [SMTPSessionAction] {
        guard !isClosed else { return [] }
        framer.append(bytes)
        return driveReceived()
    }

    /// Bytes from the client, from raw memory.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer) -> [SMTPSessionAction] {
        guard !isClosed else { return [] }
        framer.append(bytes)
        return driveReceived()
    }

    /// Processes what arrived. Only a whole line (or BDAT data) restarts the idle timer: a client that drips a
    /// line a byte at a time (slowloris) is cut off when the timeout runs out from its last complete line, where
    /// OpenSMTPD would wait as long as bytes keep coming.
    private mutating func driveReceived() -> [SMTPSessionAction] {
        progressed = false
        drive()
        return finish(rearmingIdleTimer: progressed || !output.isEmpty)
    }

    /// The TLS handshake after STARTTLS finished. RFC 3207 §4.2: everything learnt before is forgotten, the
    /// client must EHLO again.
    public mutating func tlsEstablished(_ info: TLSInfo) -> [SMTPSessionAction] {
        guard case .tlsHandshake = phase else { return [] }
        session.tls = info
        session.helo = nil
        session.usedEHLO = false
        session.isAuthenticated = session.client.isLocalEnqueue
        session.authenticatedUser = nil
        phase = .commands
        drive()
        return finish()
    }

    /// The idle timer fired. OpenSMTPD closes silently; Tern says why first, except during a TLS handshake, where
    /// a clear-text reply would only garble it. Ignored while the policy is busy.
    public mutating func idleTimeout() -> [SMTPSessionAction] {
        switch phase {
        case .initial, .waiting, .closed:
            return []
        case .tlsHandshake:
            closeReason = "timeout"
            close()
        case .commands, .auth, .message, .chunk:
            closeReason = "timeout"
            commandForLog = nil
            send(Replies.timeout)
        }
        return finish()
    }

    /// The client went away.
    public mutating func connectionClosed() -> [SMTPSessionAction] {
        guard !isClosed else { return [] }
        abortTransaction()
        phase = .closed
        return finish()
    }

    // MARK: Input loop

    /// Processes buffered input while the phase allows it.
    mutating func drive() {
        while true {
            switch phase {
            case .initial, .waiting, .tlsHandshake, .closed:
                return
            case .commands, .auth:
                guard let item = framer.nextLine(maximumLength: configuration.maximumCommandLineLength) else { return }
                progressed = true
                switch item {
                case .failure(let failure):
                    framingFailed(failure, inMessage: false)
                case .success(let line):
                    if case .auth(let server) = phase {
                        phase = .commands
                        handleSASLLine(line, server: server)
                    } else {
                        handleCommand(line)
                    }
                }
            case .message:
                guard let item = framer.nextLine(maximumLength: configuration.maximumTextLineLength) else { return }
                progressed = true
                switch item {
                case .failure(let failure):
                    framingFailed(failure, inMessage: true)
                case .success(let line):
                    switch DataLine(line) {
                    case .endOfData: endOfMessage()
                    case .content(let content): appendMessageLine(content)
                    }
                }
            case .chunk(let remaining, let size, let last, let disposition):
                if remaining == 0 {
                    endOfChunk(size: size, last: last, disposition: disposition)
                    continue
                }
                guard let bytes = framer.nextBytes(upTo: remaining) else { return }
                progressed = true
                phase = .chunk(remaining: remaining - bytes.count, size: size, last: last, disposition: disposition)
                if case .append = disposition { appendChunkData(bytes) }
            }
        }
    }

    // MARK: Output helpers

    mutating func send(_ reply: SMTPReply) {
        output.append(.send(reply))
        if reply.code >= 400, let command = commandForLog {
            output.append(.event(.failedCommand(command: command, reply: reply)))
        }
        if reply.closesConnection { close() }
    }

    /// Sends a protocol error and counts it towards ``SMTPSessionConfiguration/maximumErrors``.
    mutating func sendError(_ reply: SMTPReply) {
        send(reply)
        guard !isClosed else { return }
        errorCount += 1
        if let maximum = configuration.maximumErrors, errorCount >= maximum { send(Replies.tooManyErrors) }
    }

    mutating func ask(_ request: SessionPolicyRequest, pending: Pending) {
        phase = .waiting(pending)
        output.append(.ask(request))
    }

    mutating func abortTransaction() {
        guard let current else { return }
        output.append(.abortTransaction(current.info))
        self.current = nil
    }

    /// Ends the session after the replies already queued.
    mutating func close() {
        guard !isClosed else { return }
        abortTransaction()
        let dropped = framer.discardBufferedBytes()
        if dropped > 0 { output.append(.discardedInput(byteCount: dropped, reason: .afterClose)) }
        phase = .closed
        output.append(.close)
    }

    /// A framing failure cannot be recovered from: the two sides no longer agree where lines end.
    mutating func framingFailed(_ failure: SMTPLineFramer.Failure, inMessage: Bool) {
        let reply: SMTPReply
        switch failure {
        case .bareLineFeed: reply = Replies.bareLineFeed(inMessage: inMessage)
        case .bareCarriageReturn: reply = Replies.bareCarriageReturn(inMessage: inMessage)
        case .lineTooLong: reply = inMessage ? Replies.lineTooLong : Replies.commandLineTooLong
        }
        commandForLog = nil
        output.append(.event(.badInput(reply: reply)))
        send(reply)
        close()
    }

    mutating func flushMessageData() {
        guard let data = current?.assembler?.takeOutput(), !data.isEmpty else { return }
        output.append(.appendMessage(data))
    }

    /// Hands out the actions of one event, with the idle timer re-armed when input is expected.
    mutating func finish(rearmingIdleTimer: Bool = true) -> [SMTPSessionAction] {
        flushMessageData()
        switch phase {
        case .commands, .auth, .message, .chunk, .tlsHandshake:
            if rearmingIdleTimer { output.append(.armIdleTimer(configuration.idleTimeout)) }
        case .initial, .waiting, .closed:
            break
        }
        defer { output = [] }
        return output
    }
}
