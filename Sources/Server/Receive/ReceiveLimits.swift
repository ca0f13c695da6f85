/// Limits on connections that smtpd.conf cannot express; set from `smtpd`'s command line.
public struct ReceiveLimits: Sendable, Hashable {
    /// Concurrent sessions over all listeners; more get `421 4.3.2 Too many connections`.
    public var maximumSessions: Int = 16384
    /// Concurrent sessions from one client address; loopback and the local socket are exempt. 0: no limit.
    public var maximumSessionsPerAddress: Int = 64
    /// Look up and confirm the client's reverse DNS name, as OpenSMTPD does. `--no-reverse-dns` turns it off.
    public var reverseDNS: Bool = true
    /// Seconds without a complete line before a session is closed: OpenSMTPD's five minutes.
    /// `--idle-timeout` shortens it (tests, or servers that want slow clients gone sooner).
    public var idleTimeout: Int = 300
    /// Envelopes in the queue above which each new transaction is held back before its MAIL FROM reply, up to
    /// `maximumInflowDelay` when the queue holds twice as many (Postfix's `in_flow_delay` idea): acceptance then
    /// cannot outrun delivery for long, and the queue (and memory) stays bounded under a flood. 0: never.
    public var queueBacklogThreshold: Int = 10_000
    /// Five seconds: with hundreds of sessions sending at once, a one-second cap still let acceptance outrun
    /// delivery in the load test (scripts/load/idle.sh).
    public var maximumInflowDelay: Duration = .seconds(5)

    public init() {}
}
