/// Lookups that return typed values, as OpenSMTPD's `table_lookup` returns a `union lookup`: the backend's
/// text is read with `table_parse_lookup`'s rules, and text that does not read is a failure (a temporary one
/// for the session), not a miss.
extension LookupTable {
    /// `userinfo`: the userbase entry for a user, e.g. `1000:1000:/home/alice` under `alice`.
    public func userInfo(for user: String) throws(TableLookupError) -> TableValue.UserInfo? {
        guard let value = try lookup(.userinfo, key: user) else { return nil }
        let key = try TableLookupKey.folded(user, table: name)
        guard let info = TableValue.UserInfo(key: key, value: value) else {
            throw invalidValue("userinfo", value, expected: "uid:gid:home")
        }
        return info
    }

    /// `credentials`: a listener user's hash, or a relay label's `user:password`.
    public func credentials(for key: String) throws(TableLookupError) -> TableValue.Credentials? {
        guard let value = try lookup(.credentials, key: key) else { return nil }
        let folded = try TableLookupKey.folded(key, table: name)
        guard let credentials = TableValue.Credentials(key: folded, value: value) else {
            throw invalidValue("credentials", value, expected: "user:password, at least 3 characters")
        }
        return credentials
    }

    /// `mailaddrmap`: the addresses an authenticated user may send as (`senders <T>`).
    public func mailAddressList(for user: String) throws(TableLookupError) -> [MailAddressPattern]? {
        guard let value = try lookup(.mailaddrmap, key: user) else { return nil }
        guard let list = TableValue.mailAddressList(value) else {
            throw invalidValue("mailaddrmap", value, expected: "a comma list of addresses")
        }
        return list
    }

    /// `relayhost`: the relay URL for a destination domain (`relay domain <T>`), as text: OpenSMTPD reads it
    /// with `TableValue.RelayHost(url:)` only when it delivers.
    public func relayHostURL(for domain: String) throws(TableLookupError) -> String? {
        guard let value = try lookup(.relayhost, key: domain) else { return nil }
        guard value.utf8.count < TableValue.lineBufferSize else {
            throw invalidValue("relayhost", value, expected: "a relay URL shorter than 2048 bytes")
        }
        return value
    }

    /// `addrname`: the name for a local address (`hostnames <T>`, `helo-src <T>`). The key must itself be an
    /// address, and the name at most 64 bytes.
    public func addressName(for address: String) throws(TableLookupError) -> String? {
        guard let value = try lookup(.addrname, key: address) else { return nil }
        let key = try TableLookupKey.folded(address, table: name)
        guard TableValue.SocketAddress(text: key) != nil else {
            throw TableLookupError(table: name, reason: "addrname key \"\(key)\" is not an address")
        }
        guard value.utf8.count < TableValue.hostNameBufferSize else {
            throw invalidValue("addrname", value, expected: "a host name of at most 64 bytes")
        }
        return value
    }

    /// `source`: every address of a relay `src <T>` list, which OpenSMTPD hands out in turn.
    public func sourceAddresses() throws(TableLookupError) -> [TableValue.SocketAddress] {
        var addresses: [TableValue.SocketAddress] = []
        for text in try fetchAll(.source) {
            guard let address = TableValue.SocketAddress(text: text) else {
                throw invalidValue("source", text, expected: "an IPv4 or IPv6 address")
            }
            addresses.append(address)
        }
        return addresses
    }

    private func invalidValue(_ service: String, _ value: String, expected: String) -> TableLookupError {
        TableLookupError(table: name, reason: "invalid \(service) value \"\(value)\" (expected \(expected))")
    }
}
