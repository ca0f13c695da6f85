import ConfParser

/// The tables OpenSMTPD creates before reading the configuration (config.c, `config_default`,
/// `set_localaddrs`), with the same entries, quirks included. All are static lists.
///
/// - SeeAlso: smtpd-conf.md §4.
enum BuiltinTables {
    /// `<localhost>` (`from local`): `local` and every interface address.
    static func localhost(_ identity: LocalHostIdentity) -> [String] {
        ["local"] + identity.addresses
    }

    /// `<anyhost>` (`from any`): `local`, `0.0.0.0/0` and `::/0`.
    static let anyhost = ["local", "0.0.0.0/0", "::/0"]

    /// `<localnames>` (`for local`): `localhost`, the server name, then for every interface address its text
    /// and that text in brackets, and for IPv6 also `[ipv6:…]`. OpenSMTPD 6.8 brackets the already bracketed
    /// IPv6 text, so `::1` gives `[::1]`, `[[::1]]` and `[ipv6:[::1]]`; only the first can match a domain.
    static func localnames(_ identity: LocalHostIdentity) -> [String] {
        var names = ["localhost", identity.serverName]
        for address in identity.addresses {
            names.append(address)
            names.append("[" + address + "]")
            if address.hasPrefix("[") { names.append("[ipv6:" + address + "]") }
        }
        return names
    }

    /// `<anydestination>` (`for any`): `*`, plus the server name's first label when the name has a dot (an
    /// oddity of the code, harmless since `*` matches everything).
    static func anydestination(_ identity: LocalHostIdentity) -> [String] {
        let short =
            identity.serverName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? identity.serverName
        return short == identity.serverName ? ["*"] : ["*", short]
    }

    /// Every built-in table by name, `<getpwnam>` included.
    static func all(_ identity: LocalHostIdentity, subaddressDelimiter: UInt8) -> [String: any LookupTable] {
        func list(_ name: String, _ keys: [String]) -> any LookupTable {
            StaticLookupTable(
                name: name,
                contents: TableContents(kind: .list, addingLowercasedKeys: keys.map { (key: $0, value: nil) }),
                subaddressDelimiter: subaddressDelimiter
            )
        }
        return [
            "<localhost>": list("<localhost>", localhost(identity)),
            "<anyhost>": list("<anyhost>", anyhost),
            "<localnames>": list("<localnames>", localnames(identity)),
            "<anydestination>": list("<anydestination>", anydestination(identity)),
            "<getpwnam>": GetpwnamTable(),
        ]
    }
}
