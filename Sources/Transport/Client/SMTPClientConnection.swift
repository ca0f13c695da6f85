public import NIOCore
import NIOPosix
public import NIOSSL

/// TLS for an outgoing session: the context (built once per policy, contexts are expensive) and the name sent
/// as SNI and checked against the certificate when the context verifies.
public struct SMTPClientTLS: Sendable {
    public var context: NIOSSLContext
    /// Nil for an address literal (SNI carries names only).
    public var serverHostname: String?

    public init(context: NIOSSLContext, serverHostname: String?) {
        self.context = context
        self.serverHostname = serverHostname.flatMap { (try? SocketAddress(ipAddress: $0, port: 0)) == nil ? $0 : nil }
    }
}

/// Where to connect.
public enum SMTPClientEndpoint: Sendable, Hashable, CustomStringConvertible {
    case address(SocketAddress)
    case unixSocket(path: String)

    public var description: String {
        switch self {
        case .address(let address): address.ipAddress.map { "\($0):\(address.port ?? 0)" } ?? "\(address)"
        case .unixSocket(let path): path
        }
    }
}

/// One outgoing SMTP or LMTP session, greeted, secured and authenticated as its configuration says, ready for
/// transactions one after the other (the relay and LMTP agents reuse it for several messages).
///
/// ```swift
/// let connection = try await SMTPClientConnection.connect(to: .address(address), configuration: config,
///     tls: tls, group: group)
/// let replies = try await connection.send(transaction)   // one final reply per recipient
/// await connection.quit()
/// ```
public final class SMTPClientConnection: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<SMTPClientHandler>
    /// What the server offered after the last EHLO/LHLO.
    public let capabilities: SMTPServerCapabilities
    public let endpoint: SMTPClientEndpoint

    private init(channel: any Channel, handler: NIOLoopBound<SMTPClientHandler>, capabilities: SMTPServerCapabilities,
        endpoint: SMTPClientEndpoint)
    {
        self.channel = channel
        self.handler = handler
        self.capabilities = capabilities
        self.endpoint = endpoint
    }

    /// Connects, reads the greeting, says EHLO/LHLO, does STARTTLS and AUTH as configured.
    /// - Parameters:
    ///   - tls: needed for `.implicit` (smtps) and for STARTTLS; without it STARTTLS is never attempted and
    ///     `.required` fails.
    ///   - source: the local address to bind (action `src`).
    ///   - replyTimeout: how long to wait for any reply (OpenSMTPD: 300 s).
    /// - Throws: ``SMTPClientFailure``.
    public static func connect(
        to endpoint: SMTPClientEndpoint, configuration: SMTPClientConfiguration, tls: SMTPClientTLS?,
        source: SocketAddress? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(30), replyTimeout: TimeAmount = .seconds(300)
    ) async throws -> SMTPClientConnection {
        var configuration = configuration
        if tls == nil && configuration.tls == .opportunistic { configuration.tls = .never }
        let sessionConfiguration = configuration
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: SMTPServerCapabilities.self)
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if sessionConfiguration.tls == .implicit {
                        guard let tls else { throw SMTPClientFailure(stage: .session, text: "smtps without TLS") }
                        try operations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
                    }
                    try operations.addHandler(IdleStateHandler(readTimeout: replyTimeout))
                    try operations.addHandler(
                        SMTPClientHandler(configuration: sessionConfiguration, startTLS: tls, ready: ready))
                }
            }
        if let source { bootstrap = bootstrap.bind(to: source) }
        let channel: any Channel
        do {
            switch endpoint {
            case .address(let address): channel = try await bootstrap.connect(to: address).get()
            case .unixSocket(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            ready.fail(SMTPClientFailure(stage: .connection, text: "Connection failed: \(error)"))
            throw SMTPClientFailure(stage: .connection, text: "Connection to \(endpoint) failed: \(error)")
        }
        // The greeting first: if the session ended before this task got to run, its failure says why; the
        // handler is gone from a closed pipeline, and looking it up would only say "notFound".
        let capabilities: SMTPServerCapabilities
        do {
            capabilities = try await ready.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        do {
            let handler = try await eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPClientHandler.self), eventLoop: eventLoop)
            }.get()
            return SMTPClientConnection(channel: channel, handler: handler, capabilities: capabilities, endpoint: endpoint)
        } catch {
            throw SMTPClientFailure(stage: .connection, text: "Connection closed by \(endpoint) after its greeting")
        }
    }

    /// Sends one message. Only one transaction at a time; wait for the result before the next.
    /// - Returns: the final reply for each recipient, in order.
    /// - Throws: ``SMTPClientFailure`` when the session was already unusable (nothing was sent).
    public func send(_ transaction: SMTPClientTransaction) async throws -> [SMTPReply] {
        let promise = channel.eventLoop.makePromise(of: [SMTPReply].self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.send(transaction, promise: promise) }
        return try await promise.futureResult.get()
    }

    /// True while the session can take another transaction.
    public var isUsable: Bool {
        get async {
            let handler = self.handler
            return (try? await channel.eventLoop.submit { handler.value.isIdle }.get()) ?? false
        }
    }

    /// The negotiated TLS version (`TLSv1.3`), nil without TLS.
    public var tlsVersion: String? {
        get async {
            let handler = self.handler
            return (try? await channel.eventLoop.submit { handler.value.tlsVersion }.get()) ?? nil
        }
    }

    /// The local address of the connection (the log's `source`).
    public var localAddress: SocketAddress? { channel.localAddress }
    public var remoteAddress: SocketAddress? { channel.remoteAddress }

    /// QUIT, wait for the reply, close. Safe to call on a failed session.
    public func quit() async {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.quit(promise: promise) }
        try? await promise.futureResult.get()
        try? await channel.close()
    }

    /// Closes without QUIT.
    public func close() async {
        try? await channel.close()
    }
}
