public import Logging
public import NIOCore
public import NIOSSL

/// Runs one server session: the channel's bytes go into an ``SMTPSessionStateMachine`` and its
/// ``SMTPSessionAction``s are carried out here, on the event loop.
///
/// Why it is shaped this way:
/// - **Policy on the loop, in order.** Each question to the ``SessionPolicy`` (and each message append or abort)
///   runs in a `Task` that first awaits the previous one, so the policy sees a connection's calls in the order the
///   machine made them (every append before the commit). The tasks prefer this connection's event loop as their
///   executor (``EventLoopTaskExecutor``): the policy's own work is short, and what blocks (queue fsyncs, crypt,
///   table expansion) leaves the loop on its own threads. An answer computed on the loop is handed back at
///   once; one that arrives elsewhere comes back with `eventLoop.execute`.
/// - **Back-pressure.** It is a duplex handler only to hold back `read()` while a policy question is out and
///   input already waits in the machine's framer: the socket is not read further until the answer is in.
/// - **STARTTLS** (STYLE.md §3): the 220 is flushed, then `NIOSSLServerHandler` is added at `.first` in the same
///   tick, so no clear-text byte after the 220 can be read as TLS-protected; the machine itself drops bytes
///   pipelined behind the command. The session resumes on NIOTLS's `handshakeCompleted`.
/// - **smtps**: the listener puts the TLS handler in front at accept time; the greeting waits for the handshake.
public final class SMTPServerHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = Never
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let configuration: SMTPSessionConfiguration
    private let policy: any SessionPolicy
    /// The context for STARTTLS; nil when the listener has no `tls`.
    private let tlsContext: NIOSSLContext?
    private let logger: Logger

    private var machine: SMTPSessionStateMachine?
    private var context: ChannelHandlerContext?
    /// Where the policy calls run: this connection's event loop.
    private var executor: EventLoopTaskExecutor?
    private var idleTimer: Scheduled<Void>?
    /// The last policy call of this connection; the next one waits for it.
    private var policyTail: Task<Void, Never>?
    /// Policy calls made while one batch of actions is carried out, started together as one task when the
    /// batch ends; nil outside a batch.
    private var batchedCalls: [@Sendable () async -> Void]?
    /// `read()` was asked for while the machine waited for the policy.
    private var readHeldBack = false
    /// A `proxy-v2` listener: the session starts only once ``ProxyProtocolHandler`` named the client.
    private var awaitingProxyHeader: Bool
    /// The client the PROXY header named, instead of the connection's peer.
    private var proxiedAddress: String?

    /// - Parameters:
    ///   - configuration: the listener's session settings (``SMTPSessionConfiguration/implicitTLS`` for smtps).
    ///   - policy: answers the session's questions.
    ///   - tlsContext: used for STARTTLS when the configuration offers it.
    ///   - logger: for discarded input and errors.
    public init(configuration: SMTPSessionConfiguration, policy: any SessionPolicy, tlsContext: NIOSSLContext? = nil,
        logger: Logger = Logger(label: "tern.smtp"))
    {
        self.configuration = configuration
        self.policy = policy
        self.tlsContext = tlsContext
        self.logger = logger
        self.awaitingProxyHeader = configuration.expectsProxyHeader
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        executor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
        if context.channel.isActive { startIfReady(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        self.context = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        startIfReady(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        if var machine {
            let actions = machine.connectionClosed()
            self.machine = machine
            perform(actions, context: context)
            record(.disconnected(reason: machine.closeReason ?? "disconnect"))
        }
        context.fireChannelInactive()
    }

    /// Cleartext listeners greet at once; smtps waits for the handshake (``userInboundEventTriggered(context:event:)``).
    private func startIfReady(context: ChannelHandlerContext) {
        guard machine == nil, !configuration.implicitTLS, !awaitingProxyHeader else { return }
        start(tls: nil, context: context)
    }

    private func start(tls: TLSInfo?, context: ChannelHandlerContext) {
        var client = Self.clientInfo(context.channel)
        if let proxiedAddress { client.address = proxiedAddress }
        var machine = SMTPSessionStateMachine(configuration: configuration, client: client, tls: tls)
        let actions = machine.start()
        self.machine = machine
        perform(actions, context: context)
    }

    static func clientInfo(_ channel: any Channel) -> SMTPClientInfo {
        SMTPClientInfo(address: channel.remoteAddress?.ipAddress ?? "local",
            isLocalEnqueue: channel.remoteAddress?.ipAddress == nil, localAddress: channel.localAddress?.ipAddress)
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var machine else { return }
        let actions = machine.receive(Self.unwrapInboundIn(data))
        self.machine = machine
        perform(actions, context: context)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let proxy = event as? ProxyProtocolHandler.ClientAddress {
            awaitingProxyHeader = false
            proxiedAddress = proxy.address
            return startIfReady(context: context)
        }
        guard TLSHandshakeEvent.isHandshakeCompleted(event) else {
            return context.fireUserInboundEventTriggered(event)
        }
        let info = tlsInfo(context: context)
        if var machine {
            record(.tlsEstablished(info), session: machine.session)
            let actions = machine.tlsEstablished(info)
            self.machine = machine
            perform(actions, context: context)
        } else if configuration.implicitTLS {
            start(tls: info, context: context)
            record(.tlsEstablished(info))
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("smtp connection error: \(error)", metadata: ["client": "\(Self.clientInfo(context.channel).address)"])
        context.close(promise: nil)
    }

    private func tlsInfo(context: ChannelHandlerContext) -> TLSInfo {
        if let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self) {
            return TLSInfo(handler: handler)
        }
        return TLSInfo(version: "TLS")
    }

    // MARK: Outbound

    /// While the policy answers, the socket is read on only as long as the machine holds no unprocessed
    /// input: a client that waits for each reply keeps the socket registered for reading (holding back would
    /// cost two `epoll_ctl` calls per question), and one that sends ahead is stopped after one more read.
    public func read(context: ChannelHandlerContext) {
        if let machine, machine.isWaitingForPolicy, machine.bufferedByteCount > 0 {
            readHeldBack = true
        } else {
            context.read()
        }
    }

    // MARK: Actions

    /// Carries out one batch of actions in order, then flushes once. The batch's policy calls run in one task
    /// (a message's last body bytes and its commit, say): each task costs a turn of the event loop.
    private func perform(_ actions: [SMTPSessionAction], context: ChannelHandlerContext) {
        let outermost = batchedCalls == nil
        if outermost { batchedCalls = [] }
        defer {
            if outermost, let calls = batchedCalls {
                batchedCalls = nil
                if !calls.isEmpty { chain(calls) }
            }
        }
        var wrote = false
        for action in actions {
            switch action {
            case .send(let reply):
                var buffer = context.channel.allocator.buffer(capacity: 64)
                buffer.writeSMTPReply(reply)
                context.write(Self.wrapOutboundOut(buffer), promise: nil)
                wrote = true
            case .ask(let request):
                ask(request, context: context)
            case .startTLS:
                context.flush()
                wrote = false
                startTLS(context: context)
            case .discardedInput(let count, let reason):
                logger.debug("smtp input discarded",
                    metadata: ["bytes": "\(count)", "reason": "\(reason)",
                        "client": "\(Self.clientInfo(context.channel).address)"])
            case .appendMessage(let bytes):
                enqueue { [policy] transaction in await policy.appendMessage(transaction, data: bytes) }
            case .abortTransaction(let transaction):
                let policy = self.policy
                chain { await policy.abortTransaction(transaction) }
            case .armIdleTimer(let duration):
                armIdleTimer(duration, context: context)
            case .close:
                idleTimer?.cancel()
                idleTimer = nil
                context.flush()
                wrote = false
                context.close(promise: nil)
            case .event(let event):
                record(event)
            }
        }
        if wrote { context.flush() }
        resumeReadingIfIdle(context: context)
    }

    /// Appends go to the transaction open when the action was produced.
    private func enqueue(_ work: @escaping @Sendable (SMTPTransactionInfo) async -> Void) {
        guard let transaction = machine?.transaction else { return }
        chain { await work(transaction) }
    }

    /// Hands an event to the policy, in order with its other calls.
    private func record(_ event: SMTPSessionEvent, session: SMTPSessionInfo? = nil) {
        guard let session = session ?? machine?.session else { return }
        let policy = self.policy
        chain { await policy.record(event, session: session) }
    }

    private func chain(_ work: @escaping @Sendable () async -> Void) {
        if batchedCalls != nil {
            batchedCalls?.append(work)
        } else {
            chain([work])
        }
    }

    private func chain(_ calls: [@Sendable () async -> Void]) {
        let previous = policyTail
        policyTail = Task(executorPreference: executor) {
            await previous?.value
            for call in calls { await call() }
        }
    }

    private func ask(_ request: SessionPolicyRequest, context: ChannelHandlerContext) {
        guard let machine else { return }
        let policy = self.policy
        let session = machine.session
        let transaction = machine.transaction
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        chain {
            let answer = await policy.answer(request, session: session, transaction: transaction)
            if eventLoop.inEventLoop {
                bound.value.receive(answer)
            } else {
                eventLoop.execute { bound.value.receive(answer) }
            }
        }
    }

    /// A policy answer, back on the event loop.
    private func receive(_ answer: SessionPolicyAnswer) {
        guard let context, var machine, machine.isWaitingForPolicy else { return }
        let actions = machine.answer(answer)
        self.machine = machine
        perform(actions, context: context)
    }

    private func resumeReadingIfIdle(context: ChannelHandlerContext) {
        guard readHeldBack, machine?.isWaitingForPolicy != true else { return }
        readHeldBack = false
        context.read()
    }

    private func startTLS(context: ChannelHandlerContext) {
        guard let tlsContext else {
            logger.error("STARTTLS accepted without a TLS context; closing")
            return context.close(promise: nil)
        }
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext), position: .first)
        } catch {
            logger.error("cannot start TLS: \(error)")
            context.close(promise: nil)
        }
    }

    private func armIdleTimer(_ duration: Duration, context: ChannelHandlerContext) {
        idleTimer?.cancel()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: TimeAmount(duration)) { bound.value.idleTimerFired() }
    }

    private func idleTimerFired() {
        idleTimer = nil
        guard let context, var machine else { return }
        let actions = machine.idleTimeout()
        self.machine = machine
        perform(actions, context: context)
    }
}

@available(*, unavailable)
extension SMTPServerHandler: Sendable {}
