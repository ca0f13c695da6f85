/// Paths and names that match Debian's OpenSMTPD, so an existing installation keeps working.
public enum ServerDefaults {
    /// Debian's OpenSMTPD reads /etc/smtpd.conf; OpenBSD's reads /etc/mail/smtpd.conf.
    public static let configPath = "/etc/smtpd.conf"
    public static let version = "0.1.0"
    public static let versionLine = "Tern \(version) (OpenSMTPD 6.8/7.8 configuration)"
    /// The `-T` names OpenSMTPD knows; unknown ones get a warning and are ignored.
    public static let traceFlags: Set<String> = [
        "imsg", "io", "smtp", "filters", "mta", "transfer", "bounce", "bounces", "scheduler", "lookup", "stat",
        "stats", "rules", "mproc", "expand", "table", "tables", "queue", "all", "profstat", "profile-imsg",
        "profile-queue",
    ]
}
