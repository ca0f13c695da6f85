import NIOSSL
import Testing
@testable import Transport

@Suite("TLSContextFactory")
struct TLSContextFactoryTests {
    @Test(.enabled(if: TestCertificates.available)) func buildsContextFromPEM() throws {
        let pair = try TestCertificates.make()
        let options = TLSListenerOptions(pkis: [TLSPKI(name: "localhost", certificateFile: pair.certificate,
            keyFile: pair.key)], ciphers: "HIGH:!aNULL", protocols: "tlsv1.2,tlsv1.3")
        let configuration = try TLSContextFactory.makeServerConfiguration(options)
        #expect(configuration.minimumTLSVersion == .tlsv12)
        #expect(configuration.maximumTLSVersion == .tlsv13)
        #expect(configuration.sslContextCallback == nil)
        _ = try TLSContextFactory.makeServerContext(options)
    }

    @Test(.enabled(if: TestCertificates.available)) func severalPKIsUseSNI() throws {
        let one = try TestCertificates.make(name: "mx1.example.org")
        let two = try TestCertificates.make(name: "mx2.example.org")
        let options = TLSListenerOptions(pkis: [
            TLSPKI(name: "mx1.example.org", certificateFile: one.certificate, keyFile: one.key),
            TLSPKI(name: "*.example.net", certificateFile: two.certificate, keyFile: two.key),
        ])
        #expect(try TLSContextFactory.makeServerConfiguration(options).sslContextCallback != nil)
        let loaded = try TLSContextFactory.load(options.pkis[1])
        #expect(loaded.answers("MX.example.net"))
        #expect(!loaded.answers("a.b.example.net"))
        #expect(!loaded.answers("example.net"))
    }

    @Test(.enabled(if: TestCertificates.available)) func missingKeyIsClear() throws {
        let pair = try TestCertificates.make()
        let options = TLSListenerOptions(pkis: [TLSPKI(name: "mx", certificateFile: pair.certificate,
            keyFile: "/nonexistent/mx.key")])
        #expect {
            try TLSContextFactory.makeServerConfiguration(options)
        } throws: { error in
            "\(error)".hasPrefix("pki mx: cannot read key /nonexistent/mx.key: ")
        }
    }

    @Test func missingCertificateIsClear() {
        let options = TLSListenerOptions(pkis: [TLSPKI(name: "mx", certificateFile: "/nonexistent/mx.crt",
            keyFile: "/nonexistent/mx.key")])
        #expect {
            try TLSContextFactory.makeServerConfiguration(options)
        } throws: { error in
            "\(error)".hasPrefix("pki mx: cannot read certificate /nonexistent/mx.crt: ")
        }
    }

    /// libtls's `tls_config_parse_protocols` as OpenSMTPD 7.x bundles it: only TLS 1.2 and 1.3 remain.
    @Test func protocolsSyntax() throws {
        func range(_ text: String) throws -> [TLSVersion] {
            let parsed = try TLSProtocolRange(parsing: text)
            return [parsed.minimum, parsed.maximum]
        }
        #expect(try range("secure") == [.tlsv12, .tlsv13])
        #expect(try range("all:!tlsv1.0") == [.tlsv12, .tlsv13])
        #expect(try range("legacy") == [.tlsv12, .tlsv13])
        #expect(try range("tlsv1.2") == [.tlsv12, .tlsv12])
        #expect(try range(" TLSv1.3") == [.tlsv13, .tlsv13])
        #expect(try range("tlsv1.0,tlsv1.2") == [.tlsv12, .tlsv12])
        // A list that starts with a negation takes away from "all".
        #expect(try range("!tlsv1.2") == [.tlsv13, .tlsv13])
        #expect(throws: TLSContextError.self) { try TLSProtocolRange(parsing: "sslv3") }
        #expect(throws: TLSContextError.self) { try TLSProtocolRange(parsing: "tlsv1.2,") }
        #expect(throws: TLSContextError.self) { try TLSProtocolRange(parsing: "tlsv1.3 ") }
        #expect(throws: TLSContextError.self) { try TLSProtocolRange(parsing: "!all") }
        #expect(throws: TLSContextError.self) { try TLSProtocolRange(parsing: "tlsv1.1") }
    }

    @Test func cipherKeywords() {
        #expect(TLSCipherList.openSSLString("secure") == "HIGH:!aNULL")
        #expect(TLSCipherList.openSSLString("Default") == "HIGH:!aNULL")
        #expect(TLSCipherList.openSSLString("legacy") == "HIGH:MEDIUM:!aNULL")
        #expect(TLSCipherList.openSSLString("insecure") == "ALL:!aNULL:!eNULL")
        #expect(TLSCipherList.openSSLString("ECDHE-RSA-AES128-GCM-SHA256") == "ECDHE-RSA-AES128-GCM-SHA256")
    }

    @Test(.enabled(if: TestCertificates.available)) func clientContextCarriesPKICiphersAndProtocols() throws {
        let pair = try TestCertificates.make(name: "relay.example.org")
        let options = TLSClientOptions(verify: true, caFile: pair.certificate,
            certificate: TLSPKI(name: "relay", certificateFile: pair.certificate, keyFile: pair.key),
            ciphers: "secure", protocols: "tlsv1.3")
        let configuration = try TLSContextFactory.makeClientConfiguration(options)
        #expect(configuration.certificateVerification == .fullVerification)
        #expect(configuration.certificateChain.count == 1)
        #expect(configuration.privateKey != nil)
        #expect(configuration.cipherSuites == "HIGH:!aNULL")
        #expect(configuration.minimumTLSVersion == .tlsv13 && configuration.maximumTLSVersion == .tlsv13)
        _ = try TLSContextFactory.makeClientContext(options)

        let plain = try TLSContextFactory.makeClientConfiguration(TLSClientOptions())
        #expect(plain.certificateVerification == .none)
        #expect(plain.certificateChain.isEmpty && plain.privateKey == nil)
        #expect(throws: TLSContextError.self) {
            try TLSContextFactory.makeClientConfiguration(TLSClientOptions(protocols: "tlsv1.0"))
        }
        #expect {
            try TLSContextFactory.makeClientConfiguration(TLSClientOptions(certificate: TLSPKI(name: "relay",
                certificateFile: pair.certificate, keyFile: "/nonexistent/relay.key")))
        } throws: { error in
            "\(error)".hasPrefix("pki relay: cannot read key /nonexistent/relay.key: ")
        }
    }
}

/// The model of BoringSSL's cipher-string parser that keeps NIOSSL from trapping on a bad `ciphers` value.
@Suite("BoringSSL cipher rules")
struct BoringSSLCipherRulesTests {
    /// Each accepted string is also handed to NIOSSL: were the model wrong, building the context would trap.
    @Test(arguments: [
        "HIGH:!aNULL", "HIGH:MEDIUM:!aNULL", "ALL:!aNULL:!eNULL", "DEFAULT", "DEFAULT:!RSA", "ECDHE+AESGCM",
        "ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "3DES", "kRSA+TLSv1.2",
        "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-RSA-AES128-GCM-SHA256]:AES", "ALL:@STRENGTH", "AES128 AES256",
        "NOPE:ECDHE", "-ALL:ECDHE", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA256:+AES",
    ])
    func accepted(_ text: String) throws {
        #expect(BoringSSLCipherRules.accepts(text))
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.cipherSuites = text
        _ = try NIOSSLContext(configuration: configuration)
    }

    @Test(arguments: [
        "", "NOPE", "@SECLEVEL=1", "HIGH:@SECLEVEL=0", "!ALL:ALL", "TLS_AES_128_GCM_SHA256", "ECDHE+NOPE",
        "[ECDHE-RSA-AES128-GCM-SHA256", "[AES]:-RSA", "[AES:bad]", "SHA256", "SSLv3+TLSv1.2",
        "ALL:!ALL", "*",
    ])
    func refused(_ text: String) {
        #expect(!BoringSSLCipherRules.accepts(text))
        var configuration = TLSConfiguration.makeClientConfiguration()
        #expect(throws: TLSContextError.self) { try configuration.applyPolicy(ciphers: text, protocols: nil) }
    }
}
