import NIOCore
public import NIOSSL

/// One `pki` of smtpd.conf: a name (by convention the host name it serves) and its PEM files.
public struct TLSPKI: Hashable, Sendable {
    public var name: String
    public var certificateFile: String
    public var keyFile: String

    public init(name: String, certificateFile: String, keyFile: String) {
        self.name = name
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// A listener's TLS settings as smtpd.conf gives them (`pki`, `ca`, `verify`, `ciphers`, `protocols`).
public struct TLSListenerOptions: Hashable, Sendable {
    /// The listener's pkis; the first is used when the client sends no SNI name or one no pki answers to.
    public var pkis: [TLSPKI]
    /// `ca NAME` resolved to its file: the roots client certificates are checked against.
    public var caFile: String?
    /// `verify`: a client certificate is required and must chain to ``caFile``.
    public var verify: Bool
    /// `ciphers`: libtls syntax, a keyword (`secure`, `legacy`, `all`) or an OpenSSL cipher list (TLS 1.2 and below).
    public var ciphers: String?
    /// `protocols`: libtls syntax, e.g. `tlsv1.2,tlsv1.3`, `all`, `default`, `secure`.
    public var protocols: String?

    public init(pkis: [TLSPKI], caFile: String? = nil, verify: Bool = false, ciphers: String? = nil,
        protocols: String? = nil)
    {
        self.pkis = pkis
        self.caFile = caFile
        self.verify = verify
        self.ciphers = ciphers
        self.protocols = protocols
    }
}

/// Why a TLS context could not be built, worded like OpenSMTPD's start-up errors.
public struct TLSContextError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Builds a listener's `NIOSSLContext`, once per listener (contexts are expensive; handlers are per connection).
///
/// Several pkis on one listener (OpenSMTPD ≥ 7.3) are served by SNI: the context is built on the first pki and an
/// `sslContextCallback` swaps in the chain and key of the pki named like the client's server name. OpenSMTPD
/// matches the names inside the certificates; matching the pki name (case-insensitive, with `*.` wildcards) covers
/// the usual `pki mail.example.org …` configurations without parsing X.509 here.
public enum TLSContextFactory {
    public static func makeServerContext(_ options: TLSListenerOptions) throws -> NIOSSLContext {
        try NIOSSLContext(configuration: makeServerConfiguration(options))
    }

    public static func makeServerConfiguration(_ options: TLSListenerOptions) throws -> TLSConfiguration {
        guard !options.pkis.isEmpty else { throw TLSContextError(description: "listener has no pki") }
        let loaded = try options.pkis.map(load)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: loaded[0].chain.map { .certificate($0) }, privateKey: .privateKey(loaded[0].key))
        if let caFile = options.caFile {
            configuration.trustRoots = .file(caFile)
            _ = try loadCertificates(caFile, what: "ca", owner: "ca")
        }
        if options.verify {
            configuration.certificateVerification = .noHostnameVerification
            if options.caFile == nil { configuration.trustRoots = .default }
        }
        try configuration.applyPolicy(ciphers: options.ciphers, protocols: options.protocols)
        if loaded.count > 1 {
            let table = loaded
            configuration.sslContextCallback = { values, promise in
                guard let name = values.serverHostname, let pki = table.dropFirst().first(where: { $0.answers(name) })
                else { return promise.succeed(.noChanges) }
                var override = NIOSSLContextConfigurationOverride()
                override.certificateChain = pki.chain.map { .certificate($0) }
                override.privateKey = .privateKey(pki.key)
                promise.succeed(override)
            }
        }
        return configuration
    }

    struct LoadedPKI: Sendable {
        var name: String
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey

        func answers(_ serverName: String) -> Bool {
            let host = serverName.lowercased()
            let pattern = name.lowercased()
            if pattern == host { return true }
            guard pattern.hasPrefix("*.") else { return false }
            let suffix = pattern.dropFirst(1)
            return host.hasSuffix(suffix) && !host.dropLast(suffix.count).contains(".")
                && host.count > suffix.count
        }
    }

    static func load(_ pki: TLSPKI) throws -> LoadedPKI {
        let chain = try loadCertificates(pki.certificateFile, what: "certificate", owner: "pki \(pki.name)")
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: pki.keyFile, format: .pem)
        } catch {
            throw TLSContextError(description: "pki \(pki.name): cannot read key \(pki.keyFile): \(error)")
        }
        return LoadedPKI(name: pki.name, chain: chain, key: key)
    }

    static func loadCertificates(_ file: String, what: String, owner: String) throws -> [NIOSSLCertificate] {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(file)
        } catch {
            throw TLSContextError(description: "\(owner): cannot read \(what) \(file): \(error)")
        }
        guard !chain.isEmpty else {
            throw TLSContextError(description: "\(owner): no certificate in \(file)")
        }
        return chain
    }
}
