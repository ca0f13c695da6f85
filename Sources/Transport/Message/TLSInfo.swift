/// What the TLS layer reports once the handshake is done, for the Received header and the policy.
public struct TLSInfo: Hashable, Sendable {
    /// `TLSv1.3`, as OpenSSL names it.
    public var version: String
    /// The cipher suite's OpenSSL name, when the TLS library tells it (swift-nio-ssl has no accessor yet).
    public var cipher: String?
    /// The cipher's strength in bits, when known.
    public var cipherBits: Int?
    /// The client presented a certificate that was verified (`verify` listeners).
    public var peerVerified: Bool

    public init(version: String, cipher: String? = nil, cipherBits: Int? = nil, peerVerified: Bool = false) {
        self.version = version
        self.cipher = cipher
        self.cipherBits = cipherBits
        self.peerVerified = peerVerified
    }

    /// OpenSMTPD's `(version:cipher:bits:verify)` with verify `YES` or `NO` (7.x). Without a known cipher, Tern
    /// writes `(version:verify)` rather than inventing one.
    public var receivedText: String {
        let verify = peerVerified ? "YES" : "NO"
        guard let cipher else { return "(\(version):\(verify))" }
        return "(\(version):\(cipher):\(cipherBits ?? 0):\(verify))"
    }
}
