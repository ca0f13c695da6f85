import NIOCore
import NIOSSL
import Transport

/// Outgoing sessions kept open between messages, a limit of concurrent sessions per destination domain, and
/// the TLS contexts (built once per set of TLS options: contexts are expensive).
///
/// A session goes back to the pool after a transaction when it is still idle and usable; the next message
/// for the same endpoint, configuration and TLS policy takes it instead of connecting again (OpenSMTPD's mta
/// also sends several messages per session). Idle sessions older than ``idleLifetime`` are closed when met.
actor SMTPConnectionPool {
    struct Key: Hashable {
        var endpoint: SMTPClientEndpoint
        var configuration: SMTPClientConfiguration
        var tls: TLSClientOptions
        var source: SocketAddress?
    }

    struct Pooled {
        var connection: SMTPClientConnection
        var session: String
        var since: ContinuousClock.Instant
    }

    private var idle: [Key: [Pooled]] = [:]
    private var active: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var contexts: [TLSClientOptions: NIOSSLContext] = [:]
    let limitPerDomain: Int
    let idleLifetime: Duration

    init(limitPerDomain: Int, idleLifetime: Duration) {
        self.limitPerDomain = max(1, limitPerDomain)
        self.idleLifetime = idleLifetime
    }

    // MARK: - Per-domain limit

    /// Waits until fewer than ``limitPerDomain`` deliveries to `domain` are running, then counts this one.
    func acquire(domain: String) async {
        if active[domain, default: 0] >= limitPerDomain {
            await withCheckedContinuation { waiting[domain, default: []].append($0) }
        } else {
            active[domain, default: 0] += 1
        }
    }

    /// Ends a delivery counted by ``acquire(domain:)``; the slot passes straight to a waiter, if any.
    func release(domain: String) {
        if var queue = waiting[domain], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[domain] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            active[domain, default: 1] -= 1
            if active[domain] == 0 { active[domain] = nil }
        }
    }

    // MARK: - Idle sessions

    func take(_ key: Key) async -> Pooled? {
        while var list = idle[key], let candidate = list.popLast() {
            idle[key] = list.isEmpty ? nil : list
            if candidate.since.duration(to: .now) < idleLifetime, await candidate.connection.isUsable {
                return candidate
            }
            await candidate.connection.quit()
        }
        return nil
    }

    func put(_ key: Key, _ pooled: Pooled) {
        var entry = pooled
        entry.since = .now
        idle[key, default: []].append(entry)
    }

    /// QUITs every idle session (shutdown, or a configuration reload that changes the outbound options).
    func closeAll() async {
        let all = idle.values.flatMap { $0 }
        idle = [:]
        for pooled in all { await pooled.connection.quit() }
    }

    var idleCount: Int { idle.values.reduce(0) { $0 + $1.count } }

    // MARK: - TLS contexts

    /// The client context for `options`, built on first use (see ``TLSContextFactory/makeClientContext(_:)``).
    func tlsContext(_ options: TLSClientOptions) throws -> NIOSSLContext {
        if let context = contexts[options] { return context }
        let context = try TLSContextFactory.makeClientContext(options)
        contexts[options] = context
        return context
    }
}
