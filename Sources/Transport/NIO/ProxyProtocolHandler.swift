public import NIOCore

/// Reads the PROXY v2 header a `proxy-v2` listener's connections start with, tells the session the real client
/// (``ProxyProtocolHandler/ClientAddress``), passes on whatever followed it, and leaves the pipeline. A
/// connection that does not start with a valid header is closed: a proxy-v2 listener must never take a client
/// straight.
public final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    /// The event sent down the pipeline once the header is read; nil for a LOCAL header.
    public struct ClientAddress: Sendable {
        public var address: String?
    }

    private var buffer: ByteBuffer?
    private var deadline: Scheduled<Void>?
    /// How long a connection may take to send its header (the listener's idle timeout).
    private let timeout: TimeAmount

    public init(timeout: TimeAmount = .seconds(30)) {
        self.timeout = timeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = Self.unwrapInboundIn(data)
        if var buffered = buffer {
            buffered.writeBuffer(&incoming)
            incoming = buffered
        }
        switch ProxyProtocolHeader.parse(incoming.readableBytesView) {
        case .needMore:
            buffer = incoming
        case .invalid:
            buffer = nil
            context.close(promise: nil)
        case .header(let source, let length):
            buffer = nil
            incoming.moveReaderIndex(forwardBy: length)
            context.fireUserInboundEventTriggered(ClientAddress(address: source))
            if incoming.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(incoming)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

@available(*, unavailable)
extension ProxyProtocolHandler: Sendable {}
