public import NIOSSL

extension TLSConfiguration {
    /// Applies smtpd.conf's `ciphers` and `protocols` (libtls syntax) to a server or client configuration; nil
    /// keeps NIOSSL's default.
    /// - Throws: ``TLSContextError`` for a `protocols` value libtls would refuse.
    public mutating func applyPolicy(ciphers: String?, protocols: String?) throws {
        if let ciphers { cipherSuites = TLSCipherList.openSSLString(ciphers) }
        if let protocols {
            let range = try TLSProtocolRange(parsing: protocols)
            minimumTLSVersion = range.minimum
            maximumTLSVersion = range.maximum
        }
    }
}
