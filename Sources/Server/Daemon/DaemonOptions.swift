/// How `smtpd` runs, beyond what smtpd.conf says: the flags OpenSMTPD has, and Tern's own.
public struct DaemonOptions: Sendable {
    public var configPath: String
    public var macros: [(String, String)] = []
    /// `-d`: log to standard error instead of syslog.
    public var logToStandardError = false
    /// `-v`: debug lines too.
    public var verbose = false
    /// `--queue-dir`: where the durable queue lives (default /var/spool/tern).
    public var queueDirectory: String = FSQueue.defaultDirectory
    /// `--socket`: the local socket (sendmail, smtpctl).
    public var socketPath: String = DaemonOptions.defaultSocketPath
    /// `--control-socket`: where smtpctl reaches the daemon.
    public var controlSocketPath: String = ControlClient.defaultSocketPath
    /// `--user`: the unprivileged user the daemon becomes after binding, when started as root.
    public var user: String = DaemonOptions.defaultUser
    /// `--port-map 25=2525`: bind another port than the configured one (tests run the seed's file on high ports).
    public var portMap: [Int: Int] = [:]
    public var limits = ReceiveLimits()
    /// `--mx-port`: the port MX hosts are reached on (25; tests send relayed mail to a high loopback port).
    public var mxPort: Int = 25
    /// `-P mda|mta|smtp`: start with these paused.
    public var paused: Set<String> = []
    /// `--metrics HOST:PORT` or `TERN_METRICS`: serve Prometheus metrics there (off when nil).
    public var metricsAddress: MetricsAddress?

    public static let defaultSocketPath = "/run/tern/smtpd.sock"
    public static let defaultUser = "_tern"

    public init(configPath: String) {
        self.configPath = configPath
    }
}
