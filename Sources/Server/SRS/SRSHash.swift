import Crypto

/// The four-character checksum (`HHHH`) of an SRS address: SHA-1 over the secret followed by the hashed text
/// (a plain digest, not an HMAC), in base64 with `-` and `_` for `+` and `/` (RFC 3548's URL alphabet), cut
/// to its first four characters, which encode the digest's first three bytes (OpenSMTPD's `srs_hash`).
enum SRSHash {
    static let length = 4
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func checksum(key: [UInt8], text: some Sequence<UInt8>) -> [UInt8] {
        var hasher = Insecure.SHA1()
        hasher.update(data: key)
        hasher.update(data: Array(text))
        let digest = Array(hasher.finalize())
        let bits = Int(digest[0]) << 16 | Int(digest[1]) << 8 | Int(digest[2])
        return [18, 12, 6, 0].map { alphabet[(bits >> $0) & 0x3F] }
    }
}
