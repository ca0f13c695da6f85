extension TableValue {
    /// A `credentials` value: for a listener's `auth <T>`, user → crypt(3) hash; for a relay's `auth <T>`,
    /// label → `user:password`.
    ///
    /// As `table_parse_lookup` reads it:
    /// - fewer than 3 bytes (or 2048 or more) is invalid;
    /// - without `:`, the key is the user and the whole value the password (a listener table's hash);
    /// - otherwise the first `:` splits user and password, and neither may be empty.
    public struct Credentials: Sendable, Hashable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// Reads `value` found under `key`, or returns nil when OpenSMTPD would fail the lookup.
        public init?(key: String, value: String) {
            let length = value.utf8.count
            guard length >= 3, length < TableValue.lineBufferSize else { return nil }
            let bytes = value.utf8
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
                self.init(username: key, password: value)
                return
            }
            let user = bytes[..<colon]
            let password = bytes[bytes.index(after: colon)...]
            guard !user.isEmpty, !password.isEmpty else { return nil }
            self.init(
                username: String(decoding: user, as: UTF8.self),
                password: String(decoding: password, as: UTF8.self)
            )
        }
    }
}
