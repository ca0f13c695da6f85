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

    @Test func protocolsSyntax() throws {
        let secure = try TLSProtocolRange(parsing: "secure")
        #expect(secure.minimum == .tlsv12 && secure.maximum == .tlsv13)
        let legacy = try TLSProtocolRange(parsing: "all:!tlsv1.0")
        #expect(legacy.minimum == .tlsv11 && legacy.maximum == .tlsv13)
        #expect(throws: TLSContextError.self) { try TLSProtocolRange(parsing: "sslv3") }
        #expect(throws: TLSContextError.self) { try TLSProtocolRange(parsing: "!all") }
    }
}
