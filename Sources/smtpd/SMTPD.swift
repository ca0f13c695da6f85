import ArgumentParser
import ConfParser
import Logging
import Server

#if canImport(Glibc)
import Glibc
#endif

/// `smtpd [-dFhnv] [-D macro=value] [-f file] [-P system] [-T trace]`, as OpenSMTPD's flags go.
@main
enum SMTPDMain {
    static func main() async {
        // The delivery supervisor and its workers are this same binary, started with a hidden argument.
        DeliveryWorkerProcess.runIfRequested(CommandLine.arguments)
        await SMTPD.main()
    }
}

struct SMTPD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtpd",
        abstract: "Tern: a mail server that runs OpenSMTPD's smtpd.conf.",
        helpNames: [.long])

    @Flag(name: .customShort("n"), help: "Check the configuration and exit.")
    var checkOnly = false

    @Option(name: .customShort("f"), help: "The configuration file.")
    var file: String = ServerDefaults.configPath

    @Option(name: .customShort("D"), help: "Define a macro: -D name=value.")
    var macros: [String] = []

    @Flag(name: .customShort("v"), help: "Verbose; with -n, print the configuration in canonical form.")
    var verbose = false

    @Flag(name: .customShort("d"), help: "Stay in the foreground and log to standard error.")
    var foreground = false

    @Flag(name: .customShort("F"), help: "Stay in the foreground and log to syslog.")
    var foregroundSyslog = false

    @Flag(name: .customShort("h"), help: "Print the version and usage, as OpenSMTPD does.")
    var versionAndUsage = false

    @Option(name: .customShort("P"), help: "Start with smtp, mta or mda paused.")
    var paused: [String] = []

    @Option(name: .customShort("T"), help: "Trace a subsystem.")
    var traces: [String] = []

    @Flag(name: .long, help: "With -n, print only OpenSMTPD's lines (no excerpts or hints).")
    var brief = false

    @Option(name: .customLong("queue-dir"), help: ArgumentHelp("The queue folder.", valueName: "dir"))
    var queueDirectory: String = FSQueue.defaultDirectory

    @Option(name: .customLong("socket"), help: ArgumentHelp("The local socket (sendmail, smtpctl).", valueName: "path"))
    var socketPath: String = DaemonOptions.defaultSocketPath

    @Option(name: .customLong("control-socket"), help: ArgumentHelp(
        "The control socket smtpctl talks to (smtpctl reads TERN_CONTROL_SOCKET).", valueName: "path"))
    var controlSocketPath: String = ControlClient.defaultSocketPath

    @Option(name: .customLong("user"), help: "The user to become after binding, when started as root.")
    var user: String = DaemonOptions.defaultUser

    @Option(name: .customLong("port-map"), help: ArgumentHelp(
        "Bind port TO where the configuration says FROM (for tests: --port-map 25=2525).", valueName: "FROM=TO"))
    var portMaps: [String] = []

    @Option(name: .customLong("mx-port"), help: ArgumentHelp(
        "The port MX hosts are reached on (tests; MX records carry no port).", valueName: "port"))
    var mxPort: Int = 25

    @Flag(name: .customLong("no-reverse-dns"), help: "Do not look up clients' reverse DNS names.")
    var noReverseDNS = false

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(
        "Seconds without a complete line before a session is closed (default 300).", valueName: "seconds"))
    var idleTimeout: Int = ReceiveLimits().idleTimeout

    @Option(name: .customLong("queue-backlog"), help: ArgumentHelp(
        "Queued envelopes above which new transactions are slowed down, up to 1 s at twice as many (0: never).",
        valueName: "envelopes"))
    var queueBacklog: Int = ReceiveLimits().queueBacklogThreshold

    @Option(name: .customLong("max-inflow-delay"), help: ArgumentHelp(
        "The longest wait, at twice the backlog, before MAIL FROM's reply (default 5).", valueName: "seconds"))
    var maximumInflowDelay: Double = 5

    @Option(name: .customLong("max-sessions"), help: "Concurrent sessions at most.")
    var maximumSessions: Int = ReceiveLimits().maximumSessions

    @Option(name: .customLong("max-sessions-per-address"), help: "Concurrent sessions from one address (0: no limit).")
    var maximumSessionsPerAddress: Int = ReceiveLimits().maximumSessionsPerAddress

    @Option(name: .customLong("metrics"), help: ArgumentHelp(
        "Serve Prometheus metrics at http://HOST:PORT/metrics (or set TERN_METRICS=HOST:PORT).", valueName: "host:port"))
    var metrics: String?

    mutating func run() async throws {
        if versionAndUsage {
            printError("version: \(ServerDefaults.versionLine)")
            printError(Self.usage)
            throw ExitCode(1)
        }
        var definitions: [(String, String)] = []
        for macro in macros {
            guard let equals = macro.lastIndex(of: "=") else {
                printError("warn: could not parse macro definition \(macro)")
                continue
            }
            definitions.append((String(macro[..<equals]), String(macro[macro.index(after: equals)...])))
        }
        for trace in traces where !ServerDefaults.traceFlags.contains(trace) {
            printError("warn: unknown trace flag \"\(trace)\"")
        }
        if checkOnly {
            let outcome = ConfigCheck.run(
                configPath: file, options: .init(macros: definitions, verbose: verbose, explain: !brief))
            if !outcome.stdout.isEmpty { writeAll(1, outcome.stdout) }
            for line in outcome.stderrLines { printError(line) }
            throw ExitCode(outcome.exitCode)
        }
        var options = DaemonOptions(configPath: file)
        options.macros = definitions
        options.logToStandardError = foreground
        options.verbose = verbose
        options.queueDirectory = queueDirectory
        options.socketPath = socketPath
        options.controlSocketPath = controlSocketPath
        options.user = user
        options.paused = Set(paused)
        options.mxPort = mxPort
        options.limits.reverseDNS = !noReverseDNS
        options.limits.maximumSessions = maximumSessions
        guard idleTimeout > 0 else {
            printError("smtpd: --idle-timeout wants a number of seconds above 0")
            throw ExitCode(1)
        }
        options.limits.idleTimeout = idleTimeout
        options.limits.queueBacklogThreshold = max(0, queueBacklog)
        options.limits.maximumInflowDelay = .milliseconds(Int(max(0, maximumInflowDelay) * 1000))
        options.limits.maximumSessionsPerAddress = maximumSessionsPerAddress
        let metricsFromEnvironment = getenv(MetricsAddress.environmentVariable).map { String(cString: $0) }
        if let text = metrics ?? metricsFromEnvironment.flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let address = MetricsAddress(text) else {
                printError("smtpd: --metrics wants HOST:PORT, got \(text)")
                throw ExitCode(1)
            }
            options.metricsAddress = address
        }
        for map in portMaps {
            let parts = map.split(separator: "=")
            guard parts.count == 2, let from = Int(parts[0]), let to = Int(parts[1]) else {
                printError("smtpd: --port-map wants FROM=TO, got \(map)")
                throw ExitCode(1)
            }
            options.portMap[from] = to
        }
        let destination: SMTPDLogHandler.Destination = foreground ? .standardError : .syslog
        if destination == .syslog { SMTPDLogHandler.openSyslog() }
        let verboseLogs = verbose
        LoggingSystem.bootstrap { _ in SMTPDLogHandler(destination: destination, verbose: verboseLogs) }
        do {
            try await Daemon.run(options)
        } catch let error as Daemon.StartError {
            for line in error.description.split(separator: "\n") {
                printError(error.isConfigurationDiagnostic ? String(line) : "smtpd: \(line)")
            }
            throw ExitCode(1)
        }
    }

    static let usage = "usage: smtpd [-dFhnv] [-D macro=value] [-f file] [-P system] [-T trace]"
}

func printError(_ line: String) {
    StandardError.write(line)
}

func writeAll(_ fd: Int32, _ text: String) {
    StandardOutput.write(text)
}
