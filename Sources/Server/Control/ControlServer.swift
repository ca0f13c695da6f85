public import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// What answers control requests: the daemon.
public protocol ControlResponder: Sendable {
    /// Writes the answer through `output` and returns smtpctl's exit status. A long-running command (`monitor`)
    /// runs until its task is cancelled, which happens when smtpctl goes away.
    func respond(to request: ControlProtocol.Request, output: ControlOutput) async -> Int32
}

/// Lines on their way to smtpctl.
public struct ControlOutput: Sendable {
    let send: @Sendable (ControlProtocol.ResponseLine) -> Void

    public init(send: @escaping @Sendable (ControlProtocol.ResponseLine) -> Void) {
        self.send = send
    }

    /// Standard output lines (text may hold several lines).
    public func print(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { send(.output(String(line))) }
    }

    public func error(_ text: String) { send(.error(text)) }
}

/// The control socket: a unix socket that only its owner can open (mode 0600; the daemon creates it before it
/// drops root, so with a root daemon only root can pause, remove or reload, as OpenSMTPD requires).
public final class ControlServer: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    public static func bind(path: String, responder: any ControlResponder,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> ControlServer
    {
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ControlConnectionHandler(responder: responder))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        chmod(path, 0o600)
        return ControlServer(channel: channel)
    }

    public func close() async {
        try? await channel.close().get()
    }
}

/// One smtpctl connection: reads the request line, runs the responder, streams its lines, closes.
final class ControlConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: any ControlResponder
    private var received: [UInt8] = []
    private var task: Task<Void, Never>?

    init(responder: any ControlResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard task == nil else { return }
        var buffer = Self.unwrapInboundIn(data)
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let newline = received.firstIndex(of: 0x0a) else {
            if received.count > 4096 { context.close(promise: nil) }
            return
        }
        let channel = context.channel
        let write: @Sendable (ControlProtocol.ResponseLine) -> Void = { line in
            var out = channel.allocator.buffer(capacity: 64)
            out.writeBytes(line.encoded)
            channel.writeAndFlush(out, promise: nil)
        }
        guard let request = ControlProtocol.Request(line: received[..<newline]) else {
            write(.error("smtpctl: invalid request"))
            write(.exit(255))
            context.close(promise: nil)
            return
        }
        let responder = self.responder
        task = Task {
            let status = await responder.respond(to: request, output: ControlOutput(send: write))
            write(.exit(status))
            try? await channel.close().get()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        task?.cancel()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension ControlConnectionHandler: Sendable {}
