#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOSSL

/// Runs an ``SMTPClientStateMachine`` on a channel: cuts the server's bytes into lines, writes what the machine
/// asks for, inserts TLS after a successful STARTTLS, and completes the promises ``SMTPClientConnection`` waits on.
///
/// Replies are cut at LF with a CR before it dropped: a client must read what real servers send, and nothing it
/// reads here is relayed on, so the strictness of the server side (``SMTPLineFramer``) buys nothing.
final class SMTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// RFC 5321 §4.5.3.1.5 allows 512 bytes per reply line; this is a generous bound against a flooding server.
    static let maximumLineLength = 65_536

    private var machine: SMTPClientStateMachine
    private let startTLS: SMTPClientTLS?
    private var pending = ByteBuffer()
    private var context: ChannelHandlerContext?
    private var readyPromise: EventLoopPromise<SMTPServerCapabilities>?
    private var transactionPromise: EventLoopPromise<[SMTPReply]>?
    private var quitPromise: EventLoopPromise<Void>?
    /// Why the session ended, once it has.
    private(set) var failure: SMTPClientFailure?
    /// The negotiated TLS version once TLS is up (`TLSv1.3`), for the `mta tls` log line.
    private(set) var tlsVersion: String?

    init(configuration: SMTPClientConfiguration, startTLS: SMTPClientTLS?, ready: EventLoopPromise<SMTPServerCapabilities>) {
        machine = SMTPClientStateMachine(configuration: configuration)
        self.startTLS = startTLS
        readyPromise = ready
    }

    var isIdle: Bool { failure == nil && machine.isIdle }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { perform(machine.connected(), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(machine.connected(), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.connectionClosed(), context: context)
        failAll(failure ?? SMTPClientFailure(stage: .connection, text: "Connection closed"))
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        while let newline = pending.readableBytesView.firstIndex(of: 0x0A) {
            let length = newline - pending.readerIndex
            var line = pending.readBytes(length: length) ?? []
            pending.moveReaderIndex(forwardBy: 1)
            if line.last == 0x0D { line.removeLast() }
            perform(machine.receive(line: line), context: context)
            guard failure == nil else { return }
        }
        if pending.readableBytes > Self.maximumLineLength {
            perform(machine.connectionClosed(reason: "Protocol error: reply line too long"), context: context)
        }
        pending.discardReadBytes()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if TLSHandshakeEvent.isHandshakeCompleted(event) {
            if let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self) {
                tlsVersion = TLSInfo(handler: handler).version
            }
            perform(machine.tlsEstablished(), context: context)
        } else if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            perform(machine.connectionClosed(reason: "Timeout waiting for the server's reply"), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(machine.connectionClosed(reason: Self.describe(error)), context: context)
    }

    /// A socket error as OpenSMTPD's mta reports it (`IO Error: Connection reset by peer`); NIO's own text
    /// names the system call and would reach the queue's status line and bounces.
    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return "IO Error: \(String(cString: strerror(io.errnoCode)))" }
        return "Connection error: \(error)"
    }

    // MARK: - Requests from SMTPClientConnection (on the event loop)

    func send(_ transaction: SMTPClientTransaction, promise: EventLoopPromise<[SMTPReply]>) {
        guard let context, isIdle else {
            promise.fail(failure ?? SMTPClientFailure(stage: .connection, text: "Session not ready"))
            return
        }
        transactionPromise = promise
        perform(machine.send(transaction), context: context)
    }

    func quit(promise: EventLoopPromise<Void>) {
        guard let context, isIdle else {
            promise.succeed()
            return
        }
        quitPromise = promise
        perform(machine.quit(), context: context)
    }

    // MARK: - Actions

    private func perform(_ actions: [SMTPClientAction], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .write(let bytes):
                context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .startTLS:
                addTLS(context: context)
            case .ready(let capabilities):
                readyPromise?.succeed(capabilities)
                readyPromise = nil
            case .transactionCompleted(let replies):
                transactionPromise?.succeed(replies)
                transactionPromise = nil
            case .failed(let failure):
                self.failure = failure
                failAll(failure)
                context.close(promise: nil)
            case .close:
                quitPromise?.succeed()
                quitPromise = nil
                context.close(promise: nil)
            }
        }
    }

    private func addTLS(context: ChannelHandlerContext) {
        guard let startTLS else {
            perform(machine.connectionClosed(reason: "TLS is not configured"), context: context)
            return
        }
        do {
            let handler = try NIOSSLClientHandler(context: startTLS.context, serverHostname: startTLS.serverHostname)
            try context.pipeline.syncOperations.addHandler(handler, position: .first)
        } catch {
            perform(machine.connectionClosed(reason: "TLS setup failed: \(error)"), context: context)
        }
    }

    private func failAll(_ failure: SMTPClientFailure) {
        readyPromise?.fail(failure)
        readyPromise = nil
        transactionPromise?.fail(failure)
        transactionPromise = nil
        quitPromise?.succeed()
        quitPromise = nil
    }
}

@available(*, unavailable)
extension SMTPClientHandler: Sendable {}
