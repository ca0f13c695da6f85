public import NIOSSL

/// An outgoing session's TLS settings as a relay action gives them (`pki`, `ca`, `ciphers`, `protocols`), plus
/// whether the peer's certificate is checked. Hashable: one client context is built per distinct value.
public struct TLSClientOptions: Hashable, Sendable {
    /// Check the peer's chain (to ``caFile``, or the system's roots) and that it names the host.
    public var verify: Bool
    /// `ca NAME` resolved to its file.
    public var caFile: String?
    /// `pki NAME`: the certificate and key presented when the server asks for a client certificate.
    public var certificate: TLSPKI?
    /// `ciphers`, else the global `smtp ciphers` (OpenSMTPD's mta uses the same fallback).
    public var ciphers: String?
    /// `protocols`, libtls syntax.
    public var protocols: String?

    public init(verify: Bool = false, caFile: String? = nil, certificate: TLSPKI? = nil, ciphers: String? = nil,
        protocols: String? = nil)
    {
        self.verify = verify
        self.caFile = caFile
        self.certificate = certificate
        self.ciphers = ciphers
        self.protocols = protocols
    }
}

extension TLSContextFactory {
    /// A client context: with `verify`, the peer's chain must lead to the CA file (or the system's roots) and
    /// name the host; without, any certificate is taken (opportunistic TLS, `tls no-verify`).
    public static func makeClientContext(_ options: TLSClientOptions) throws -> NIOSSLContext {
        try NIOSSLContext(configuration: makeClientConfiguration(options))
    }

    public static func makeClientConfiguration(_ options: TLSClientOptions) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = options.verify ? .fullVerification : .none
        if let caFile = options.caFile {
            _ = try loadCertificates(caFile, what: "ca", owner: "ca")
            configuration.trustRoots = .file(caFile)
        }
        if let pki = options.certificate {
            let loaded = try load(pki)
            configuration.certificateChain = loaded.chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(loaded.key)
        }
        try configuration.applyPolicy(ciphers: options.ciphers, protocols: options.protocols)
        return configuration
    }
}
