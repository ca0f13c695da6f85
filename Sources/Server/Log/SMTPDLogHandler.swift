public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log lines as OpenSMTPD does: to syslog (facility mail, ident `smtpd`, with the pid), or under `-d` to
/// standard error, one message per line and nothing else, so that tools written for OpenSMTPD's logs (fail2ban,
/// pflogsumm-like scripts) read Tern's unchanged. Metadata is appended as `key=value` only in verbose mode.
public struct SMTPDLogHandler: LogHandler {
    public enum Destination: Sendable {
        case standardError
        case syslog
    }

    /// `smtpctl log verbose|brief` flips this for every logger at once.
    static let verboseSwitch = Locked(false)

    public static var isVerbose: Bool {
        get { verboseSwitch.withLock { $0 } }
        set { verboseSwitch.withLock { $0 = newValue } }
    }

    public var logLevel: Logger.Level {
        get { Self.isVerbose ? .debug : .info }
        set { Self.isVerbose = newValue <= .debug }
    }
    public var metadata: Logger.Metadata = [:]
    let destination: Destination

    public init(destination: Destination, verbose: Bool) {
        self.destination = destination
        if verbose { Self.isVerbose = true }
    }

    /// Opens syslog once, before the first line.
    public static func openSyslog() {
        openlog("smtpd", LOG_PID | LOG_NDELAY, LOG_MAIL)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var text = event.message.description
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if logLevel <= .debug, !merged.isEmpty {
            text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        switch destination {
        case .standardError:
            StandardError.write(text)
        case .syslog:
            withVaList([text]) { vsyslog(Self.priority(event.level), "%s", $0) }
        }
    }

    static func priority(_ level: Logger.Level) -> Int32 {
        switch level {
        case .trace, .debug: LOG_DEBUG
        case .info: LOG_INFO
        case .notice: LOG_NOTICE
        case .warning: LOG_WARNING
        case .error: LOG_ERR
        case .critical: LOG_CRIT
        }
    }
}
