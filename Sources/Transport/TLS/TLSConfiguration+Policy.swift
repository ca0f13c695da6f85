public import NIOSSL

extension TLSConfiguration {
    /// Applies smtpd.conf's `ciphers` and `protocols` (libtls syntax) to a server or client configuration; nil
    /// keeps NIOSSL's default.
    /// - Throws: ``TLSContextError`` for a value libtls would refuse: `protocols` it cannot parse, or `ciphers` that
    ///   select nothing (checked here: NIOSSL would trap on them).
    public mutating func applyPolicy(ciphers: String?, protocols: String?) throws {
        if let ciphers {
            let list = TLSCipherList.openSSLString(ciphers)
            guard BoringSSLCipherRules.accepts(list) else {
                throw TLSContextError(description: "no ciphers for '\(list)'")
            }
            cipherSuites = list
        }
        if let protocols {
            let range = try TLSProtocolRange(parsing: protocols)
            minimumTLSVersion = range.minimum
            maximumTLSVersion = range.maximum
        }
    }
}
