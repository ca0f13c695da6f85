import Dispatch
public import Logging
public import NIOCore
import NIOPosix
import RuleEngine
public import Transport

/// Delivers envelopes of method `relay`: to the MX hosts of the recipient domain, or to the smarthost the
/// action's `host`/`domain` table named, over SMTP (or LMTP for `lmtp://` URLs).
///
/// - MX hosts are tried best preference first (random among equals); each host's addresses in turn. A host
///   that cannot be reached, refuses the session, or fails TLS or AUTH passes the message to the next; when
///   none is left the message waits for a retry (OpenSMTPD's mta does the same).
/// - `backup`: only MXes preferred over our own name (or `backup mx NAME`) are tried.
/// - STARTTLS is used when offered; `tls` requires it and checks the certificate, `tls no-verify` requires it.
///   `pki` presents a client certificate, `ca`, `ciphers` and `protocols` shape the TLS context.
/// - EHLO names the action's `helo`, or with `helo-src` the name its table gives the `src` address the session
///   is sent from (OpenSMTPD looks it up only when `src` chose an address).
/// - Sessions are kept and reused for the next message to the same destination, and at most
///   `limitPerDomain` deliveries to one domain run at once.
/// - Outcomes: a 2xx final reply is delivered, 4xx temporary, 5xx permanent, each with the server's reply.
///   A null MX (RFC 7505) or a domain that does not exist is permanent; other DNS failures are temporary.
public struct RelayAgent: DeliveryAgent {
    private let settings: @Sendable () -> OutboundSettings
    private let resolver: DNSResolver
    private let mxPort: Int
    private let client: OutboundClient

    /// - Parameters:
    ///   - settings: the current configuration's outbound options; called once per delivery.
    ///   - resolver: MX and address lookups; `DNSResolver.fromEnvironment()` honours `TERN_DNS_SERVER`.
    ///   - mxPort: the port MX hosts are reached on. 25, always, in production: MX records carry no port; tests
    ///     give a high port.
    ///   - limitPerDomain: concurrent deliveries per destination domain (or smarthost).
    public init(
        settings: @escaping @Sendable () -> OutboundSettings, resolver: DNSResolver = .fromEnvironment(),
        mxPort: Int = 25, limitPerDomain: Int = 10, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(30), replyTimeout: TimeAmount = .seconds(300),
        idleLifetime: Duration = .seconds(30)
    ) {
        self.settings = settings
        self.resolver = resolver
        self.mxPort = mxPort
        client = OutboundClient(
            pool: SMTPConnectionPool(limitPerDomain: limitPerDomain, idleLifetime: idleLifetime), group: group,
            log: MTALog(logger: logger), connectTimeout: connectTimeout, replyTimeout: replyTimeout)
    }

    /// QUITs the sessions kept for reuse. Call at shutdown.
    public func shutdown() async { await client.pool.closeAll() }

    public func deliver(_ envelopes: [QueuedEnvelope], body: MessageBody) async -> [DeliveryOutcome] {
        let first = envelopes[0]
        let current = settings()
        guard let action = current.actions[first.action] else {
            return Self.all(envelopes, .temporaryFailure("No relay settings for action \(first.action)"))
        }
        // RunningConfiguration.load refuses an undeclared pki (RelayStartupProblems); settings made in code can
        // still name one, and then every delivery waits with OpenSMTPD's message rather than go without it.
        if let pki = action.pki, action.clientCertificate == nil {
            return Self.all(envelopes, .temporaryFailure("client pki \"\(pki)\" not found"))
        }
        guard let route = RelayRouteTarget(first.target) else {
            return Self.all(envelopes, .temporaryFailure("Cannot parse relay route \(first.target)"))
        }
        let plan: RelayPlan
        switch await RelayPlan.make(route: route, action: action, hostname: current.hostname, resolver: resolver,
            mxPort: mxPort)
        {
        case .success(let made): plan = made
        case .failure(let failure): return Self.all(envelopes, failure.outcome)
        }
        let bytes: [UInt8]
        switch await Self.read(body) {
        case .success(let read): bytes = read
        case .failure(let error): return Self.all(envelopes, .temporaryFailure("Cannot read message: \(error)"))
        }
        let transaction = OutboundTransaction.make(envelopes, body: bytes, mailFrom: action.mailFrom,
            srs: action.srs ? current.srs : nil) { $0.dest }
        let sources: [TableValue.SocketAddress]?
        do {
            sources = try action.sourceTable?.sourceAddresses()
        } catch {
            return Self.all(envelopes, .temporaryFailure("Could not retrieve source address"))
        }

        await client.pool.acquire(domain: plan.limitKey)
        let outcomes = await send(transaction, envelopes, plan: plan, action: action, sources: sources)
        await client.pool.release(domain: plan.limitKey)
        return outcomes
    }

    /// Tries the plan's hosts, and each host's addresses, until one answers the transaction.
    private func send(_ transaction: SMTPClientTransaction, _ envelopes: [QueuedEnvelope], plan: RelayPlan,
        action: OutboundAction, sources: [TableValue.SocketAddress]?) async -> [DeliveryOutcome]
    {
        var lastError = "No valid route to destination"
        for host in plan.hosts {
            let addresses: [SocketAddress]
            do {
                addresses = try await resolver.addresses(of: host, port: plan.port)
            } catch {
                lastError = "Host not found: \(host)"
                continue
            }
            for address in addresses {
                var source: SocketAddress?
                var configuration = plan.configuration
                if let sources {
                    guard let chosen = SourceAddress.pick(from: sources, for: address) else {
                        lastError = "Address family mismatch on destination MXs"
                        continue
                    }
                    source = chosen
                    if let table = action.heloSourceTable {
                        guard let name = SourceAddress.heloName(for: chosen, in: table) else {
                            lastError = "Failed to retrieve helo string"
                            client.log.sourceError(source: SourceAddress.text(chosen),
                                destination: SourceAddress.text(address), host: host, reason: lastError)
                            continue
                        }
                        configuration.heloName = name
                    }
                }
                let target = OutboundClient.Target(
                    hostName: host, endpoint: .address(address), configuration: configuration,
                    tls: action.tlsOptions(verify: plan.verify), source: source)
                switch await client.attempt(target, transaction: transaction, envelopes: envelopes) {
                case .finished(let outcomes): return outcomes
                case .failed(let text): lastError = text
                }
            }
        }
        return Self.all(envelopes, .temporaryFailure(lastError))
    }

    static func all(_ envelopes: [QueuedEnvelope], _ outcome: DeliveryOutcome) -> [DeliveryOutcome] {
        Array(repeating: outcome, count: envelopes.count)
    }

    /// The body, read on a dispatch queue: `MessageBody.read` blocks.
    static func read(_ body: MessageBody) async -> Result<[UInt8], QueueError> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(QueueError) in try body.readAll() })
            }
        }
    }
}
