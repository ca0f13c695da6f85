public import Logging
public import NIOCore
import NIOPosix
public import Transport

/// Delivers envelopes of method `lmtp` (action `lmtp "DEST" [rcpt-to]`): to an LMTP server at `host:port` or
/// on a unix socket (RFC 2033), with one reply per recipient and sessions reused between messages, rather
/// than a process forked per delivery as OpenSMTPD's mail.lmtp does.
///
/// The recipient given to the server is the local user name, or with `rcpt-to` the address after expansion.
/// Outcomes: 2xx delivered, 4xx temporary, 5xx permanent; a server that cannot be reached is temporary.
public struct LMTPAgent: DeliveryAgent {
    private let settings: @Sendable () -> OutboundSettings
    private let resolver: DNSResolver
    private let client: OutboundClient

    public init(
        settings: @escaping @Sendable () -> OutboundSettings, resolver: DNSResolver = .fromEnvironment(),
        limitPerDestination: Int = 10, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(30), replyTimeout: TimeAmount = .seconds(300),
        idleLifetime: Duration = .seconds(30)
    ) {
        self.settings = settings
        self.resolver = resolver
        client = OutboundClient(
            pool: SMTPConnectionPool(limitPerDomain: limitPerDestination, idleLifetime: idleLifetime), group: group,
            log: MTALog(logger: logger), connectTimeout: connectTimeout, replyTimeout: replyTimeout)
    }

    /// QUITs the sessions kept for reuse. Call at shutdown.
    public func shutdown() async { await client.pool.closeAll() }

    public func deliver(_ envelopes: [QueuedEnvelope], body: MessageBody) async -> [DeliveryOutcome] {
        let first = envelopes[0]
        let current = settings()
        let rcptTo = current.actions[first.action]?.lmtpRcptTo ?? false
        let destination = first.target
        var endpoints: [(host: String, endpoint: SMTPClientEndpoint)] = []
        if destination.hasPrefix("/") {
            endpoints = [(destination, .unixSocket(path: destination))]
        } else {
            guard let colon = destination.lastIndex(of: ":"),
                let port = Int(destination[destination.index(after: colon)...]), (1...65535).contains(port)
            else {
                return RelayAgent.all(envelopes, .temporaryFailure("Bad LMTP destination \(destination)"))
            }
            let host = String(destination[..<colon])
            do {
                endpoints = try await resolver.addresses(of: host, port: port).map { (host, .address($0)) }
            } catch {
                return RelayAgent.all(envelopes, .temporaryFailure("Cannot resolve LMTP host \(host)"))
            }
        }
        let bytes: [UInt8]
        switch await RelayAgent.read(body) {
        case .success(let read): bytes = read
        case .failure(let error): return RelayAgent.all(envelopes, .temporaryFailure("Cannot read message: \(error)"))
        }
        let transaction = OutboundTransaction.make(envelopes, body: bytes, mailFrom: nil) { envelope in
            rcptTo ? envelope.dest : (envelope.user ?? envelope.dest)
        }
        let configuration = SMTPClientConfiguration(protocolKind: .lmtp, heloName: current.hostname, tls: .never)
        await client.pool.acquire(domain: destination)
        var outcomes = RelayAgent.all(envelopes, .temporaryFailure("LMTP server \(destination) unreachable"))
        for (host, endpoint) in endpoints {
            let target = OutboundClient.Target(
                hostName: host, endpoint: endpoint, configuration: configuration, tls: TLSClientOptions(),
                source: nil)
            switch await client.attempt(target, transaction: transaction, envelopes: envelopes) {
            case .finished(let result):
                outcomes = result
            case .failed(let text):
                outcomes = RelayAgent.all(envelopes, .temporaryFailure(text))
                continue
            }
            break
        }
        await client.pool.release(domain: destination)
        return outcomes
    }
}
