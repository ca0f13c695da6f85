/// The environment an `mda` or `|command` delivery gets: exactly the variables OpenSMTPD's mda_unpriv.c sets,
/// nothing inherited from the daemon.
enum CommandEnvironment {
    /// glibc's _PATH_DEFPATH, which OpenSMTPD uses on Linux.
    static let defaultPath = "/usr/bin:/bin"

    static func variables(for delivery: LocalDelivery, home: String) -> [String] {
        let (rcptLocal, rcptDomain) = split(delivery.rcpt)
        var variables = [
            "PATH=\(defaultPath)",
            "DOMAIN=\(rcptDomain)",
            "HOME=\(home)",
            "ORIGINAL_RECIPIENT=\(delivery.rcpt)",
            "RECIPIENT=\(delivery.dest)",
            "SHELL=/bin/sh",
            "LOCAL=\(rcptLocal)",
            "LOGNAME=\(delivery.user)",
            "USER=\(delivery.user)",
            "SENDER=\(delivery.sender)",
        ]
        if let tag = delivery.subaddress, !tag.isEmpty { variables.append("EXTENSION=\(tag)") }
        return variables
    }

    /// `user@domain` → (`user`, `domain`), splitting at the last `@`.
    private static func split(_ address: String) -> (String, String) {
        guard let at = address.lastIndex(of: "@") else { return (address, "") }
        return (String(address[..<at]), String(address[address.index(after: at)...]))
    }
}
