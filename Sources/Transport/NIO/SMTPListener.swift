public import Logging
public import NIOCore
public import NIOPosix
public import NIOSSL

/// One bound `listen on` socket: accepts connections and gives each an ``SMTPServerHandler`` (behind a
/// `NIOSSLServerHandler` for smtps). Binding to port 0 lets tests take any free port (``port``).
///
/// The daemon keeps one per listener and calls ``close()`` on shutdown; connections already accepted carry on
/// until their sessions end (the channel close only stops accepting).
public final class SMTPListener: Sendable {
    /// The bound server channel.
    public let channel: any Channel
    /// The port actually bound (useful with port 0).
    public let port: Int

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    /// Binds and starts accepting.
    /// - Parameters:
    ///   - host: address to bind, e.g. `127.0.0.1`.
    ///   - port: port, 0 for any.
    ///   - configuration: the session settings (``SMTPSessionConfiguration/implicitTLS`` for smtps).
    ///   - tlsContext: for smtps (required then) and STARTTLS.
    ///   - policy: shared by all sessions.
    ///   - group: the event loops.
    public static func bind(host: String, port: Int, configuration: SMTPSessionConfiguration,
        tlsContext: NIOSSLContext? = nil, policy: any SessionPolicy,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tern.smtp")) async throws -> SMTPListener
    {
        let bootstrap = try bootstrap(configuration: configuration, tlsContext: tlsContext, policy: policy,
            group: group, logger: logger, name: "\(host):\(port)")
        return SMTPListener(channel: try await bootstrap.bind(host: host, port: port).get())
    }

    /// Binds a unix socket (the local enqueue socket: sessions there count as `from local` and authenticated).
    /// A stale socket file from an earlier run is replaced.
    public static func bind(unixSocket path: String, configuration: SMTPSessionConfiguration,
        policy: any SessionPolicy, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tern.smtp")) async throws -> SMTPListener
    {
        let bootstrap = try bootstrap(configuration: configuration, tlsContext: nil, policy: policy, group: group,
            logger: logger, name: path)
        let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        return SMTPListener(channel: channel)
    }

    private static func bootstrap(configuration: SMTPSessionConfiguration, tlsContext: NIOSSLContext?,
        policy: any SessionPolicy, group: any EventLoopGroup, logger: Logger, name: String) throws -> ServerBootstrap
    {
        if configuration.implicitTLS && tlsContext == nil {
            throw TLSContextError(description: "smtps listener \(name) has no pki")
        }
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if configuration.expectsProxyHeader {
                        try operations.addHandler(ProxyProtocolHandler(timeout: TimeAmount(configuration.idleTimeout)))
                    }
                    if configuration.implicitTLS, let tlsContext {
                        try operations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try operations.addHandler(SMTPServerHandler(configuration: configuration, policy: policy,
                        tlsContext: tlsContext, logger: logger))
                }
            }
    }

    /// Stops accepting new connections.
    public func close() async throws {
        try await channel.close().get()
    }
}
