public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The optional Prometheus endpoint (`smtpd --metrics HOST:PORT` or `TERN_METRICS`): a tiny HTTP/1.1 server
/// that answers `GET /metrics` with the registry's exposition and anything else with 404. One request per
/// connection, then the connection closes, so that a shutdown never waits for an idle keep-alive.
public final class MetricsService: Service, Sendable {
    public typealias Observer = @Sendable () async -> Void

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    public let address: MetricsAddress
    /// The port actually bound (differs from `address.port` when that was 0).
    public let boundPort: Int
    private let server: NIOAsyncChannel<Connection, Never>
    private let registry: PrometheusCollectorRegistry
    private let observe: Observer
    private let logger: Logger

    private init(address: MetricsAddress, server: NIOAsyncChannel<Connection, Never>,
        registry: PrometheusCollectorRegistry, observe: @escaping Observer, logger: Logger)
    {
        self.address = address
        self.boundPort = server.channel.localAddress?.port ?? address.port
        self.server = server
        self.registry = registry
        self.observe = observe
        self.logger = logger
    }

    /// Binds the endpoint; throws a `Daemon.StartError` that names the address when it cannot.
    /// - Parameter observe: runs before each scrape, to set the gauges that are read rather than counted.
    public static func bind(_ address: MetricsAddress, registry: PrometheusCollectorRegistry,
        observe: @escaping Observer = {}, logger: Logger) async throws -> MetricsService
    {
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw Daemon.StartError(description: "metrics \(address): cannot listen: \(reason)")
        }
        return MetricsService(address: address, server: server, registry: registry, observe: observe,
            logger: logger)
    }

    /// Serves until the group shuts down gracefully (or the task is cancelled), then closes the socket.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                }
            }
        } catch is CancellationError {
            // The shutdown itself.
        }
    }

    /// Closes the endpoint without running it (a start that failed later).
    public func close() async {
        try? await server.channel.close()
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { requests, responses in
                var head: HTTPRequestHead?
                for try await part in requests {
                    switch part {
                    case .head(let requestHead): head = requestHead
                    case .body: continue
                    case .end:
                        guard let head else { return }
                        try await respond(to: head, with: responses)
                        return
                    }
                }
            }
        } catch {
            logger.debug("metrics: connection error: \(error)")
        }
    }

    private func respond(to head: HTTPRequestHead, with responses: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>)
        async throws
    {
        let response: MetricsEndpoint.Response
        if MetricsEndpoint.isScrape(method: head.method.rawValue, uri: head.uri) {
            await observe()
            response = MetricsEndpoint.scrape(registry.emitToBuffer())
        } else {
            response = MetricsEndpoint.notFound
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Connection", value: "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        try await responses.write(.head(HTTPResponseHead(version: head.version, status: status, headers: headers)))
        try await responses.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        try await responses.write(.end(nil))
    }
}
