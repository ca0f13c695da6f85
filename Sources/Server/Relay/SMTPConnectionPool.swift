import NIOCore
import NIOSSL
import Transport

/// Outgoing sessions kept open between messages, a limit of concurrent sessions per destination domain, and
/// the TLS contexts (built once per verification policy: contexts are expensive).
///
/// A session goes back to the pool after a transaction when it is still idle and usable; the next message
/// for the same endpoint, configuration and TLS policy takes it instead of connecting again (OpenSMTPD's mta
/// also sends several messages per session). Idle sessions older than ``idleLifetime`` are closed when met.
actor SMTPConnectionPool {
    struct Key: Hashable {
        var endpoint: SMTPClientEndpoint
        var configuration: SMTPClientConfiguration
        var verify: Bool
        var caFile: String?
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
    private var contexts: [TLSContextKey: NIOSSLContext] = [:]
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

    private struct TLSContextKey: Hashable {
        var verify: Bool
        var caFile: String?
    }

    /// A client context: with `verify`, the peer's chain must lead to `caFile` (or the system's roots) and
    /// name the host; without, any certificate is taken (opportunistic TLS, `tls no-verify`).
    func tlsContext(verify: Bool, caFile: String?) throws -> NIOSSLContext {
        let key = TLSContextKey(verify: verify, caFile: caFile)
        if let context = contexts[key] { return context }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verify ? .fullVerification : .none
        if let caFile { configuration.trustRoots = .file(caFile) }
        let context = try NIOSSLContext(configuration: configuration)
        contexts[key] = context
        return context
    }
}
