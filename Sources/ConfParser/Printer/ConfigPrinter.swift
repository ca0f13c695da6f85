/// Prints a `Config` as canonical smtpd.conf text. (Placeholder; being written.)
public enum ConfigPrinter {
    public static func print(_ config: Config) -> String { "" }
}
