import Transport

/// Where the Prometheus endpoint listens: `HOST:PORT` from `smtpd --metrics` or `TERN_METRICS`. An IPv6
/// host is written in brackets (`[::1]:9100`), as in a URL.
public struct MetricsAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Nil unless `text` is `HOST:PORT` with a port from 0 to 65535 (0: the kernel picks one).
    public init?(_ text: String) {
        guard let address = HostAndPort(text, ports: 0...65535) else { return nil }
        self.init(host: address.host, port: address.port)
    }

    public var description: String { HostAndPort(host: host, port: port).description }

    /// The environment variable that turns the endpoint on when the flag is absent.
    public static let environmentVariable = "TERN_METRICS"
}
