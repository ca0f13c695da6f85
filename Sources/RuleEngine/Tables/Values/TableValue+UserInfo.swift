extension TableValue {
    /// A `userinfo` value (`userbase` tables): `uid:gid:home` for a user name.
    ///
    /// OpenSMTPD prefixes the value with the (lowercased) key and reads `user:uid:gid:home` with
    /// `text_to_userinfo`: the user name before the first `:` (at most 255 bytes), uid and gid as `strtonum`
    /// reads them (0…4294967295, leading blanks and a sign allowed), and the rest, colons included, as the home
    /// directory (shorter than 4096 bytes; it may be empty).
    ///
    /// - SeeAlso: `text_to_userinfo` in OpenSMTPD's to.c.
    public struct UserInfo: Sendable, Hashable {
        public var username: String
        public var uid: UInt32
        public var gid: UInt32
        public var directory: String

        public init(username: String, uid: UInt32, gid: UInt32, directory: String) {
            self.username = username
            self.uid = uid
            self.gid = gid
            self.directory = directory
        }

        /// Reads the value `value` found under `key`, or returns nil when OpenSMTPD would fail the lookup.
        public init?(key: String, value: String) {
            let text = key + ":" + value
            guard text.utf8.count < TableValue.lineBufferSize else { return nil }
            let fields = Array(text.utf8).split(
                separator: UInt8(ascii: ":"),
                maxSplits: 3,
                omittingEmptySubsequences: false
            )
            guard fields.count == 4,
                fields[0].count < 256,
                let uid = fields[1].withUnsafeBytes({ StrToNum.parse($0, in: 0...Int64(UInt32.max)) }),
                let gid = fields[2].withUnsafeBytes({ StrToNum.parse($0, in: 0...Int64(UInt32.max)) }),
                fields[3].count < 4096
            else { return nil }
            self.init(
                username: String(decoding: fields[0], as: UTF8.self),
                uid: UInt32(uid),
                gid: UInt32(gid),
                directory: String(decoding: fields[3], as: UTF8.self)
            )
        }
    }
}
