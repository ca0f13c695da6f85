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
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = Substring(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty else { return nil }
        self.init(host: String(host), port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The environment variable that turns the endpoint on when the flag is absent.
    public static let environmentVariable = "TERN_METRICS"
}
