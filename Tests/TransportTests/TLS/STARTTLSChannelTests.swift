import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
@testable import Transport

/// STARTTLS between two in-memory channels: a real TLS handshake through `SMTPServerHandler`'s pipeline change.
@Suite("STARTTLS over channels")
struct STARTTLSChannelTests {
    /// Moves bytes both ways once; returns what the client application read, if anything.
    private static func pump(client: NIOAsyncTestingChannel, server: NIOAsyncTestingChannel) async throws
        -> ByteBuffer?
    {
        while let bytes = try await client.readOutbound(as: ByteBuffer.self) { try await server.writeInbound(bytes) }
        while let bytes = try await server.nextOutbound() { try await client.writeInbound(bytes) }
        return try await client.readInbound(as: ByteBuffer.self)
    }

    @Test(.enabled(if: TestCertificates.available)) func upgradeDropsPipelinedCommands() async throws {
        let pair = try TestCertificates.make()
        let serverContext = try TLSContextFactory.makeServerContext(TLSListenerOptions(pkis: [
            TLSPKI(name: "localhost", certificateFile: pair.certificate, keyFile: pair.key),
        ]))
        let policy = RecordingPolicy()
        let server = try await NIOAsyncTestingChannel.smtpServer(.test { $0.startTLS = .offered }, policy: policy,
            tlsContext: serverContext)
        var clear = ReplyReader()
        let readClear = { try await server.nextOutbound() }
        _ = try await clear.replies(1, from: readClear)
        try await server.send("EHLO c\r\n")
        #expect(try await clear.replies(1, from: readClear).contains("250-STARTTLS"))
        // CVE-2011-0411: commands pipelined behind STARTTLS in clear text must never be executed.
        try await server.send("STARTTLS\r\nMAIL FROM:<evil@example.net>\r\n")
        #expect(try await clear.replies(1, from: readClear) == ["220 2.0.0 Ready to start TLS"])

        var clientConfiguration = TLSConfiguration.makeClientConfiguration()
        clientConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pair.certificate))
        let clientContext = try NIOSSLContext(configuration: clientConfiguration)
        let client = NIOAsyncTestingChannel()
        try await client.connect(to: SocketAddress(ipAddress: "192.0.2.1", port: 25)).get()
        try await client.testingEventLoop.submit {
            try client.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: clientContext, serverHostname: "localhost"))
        }.get()
        client.writeAndFlush(ByteBuffer(string: "EHLO c2\r\n"), promise: nil)
        var secure = ReplyReader()
        let readSecure = { try await Self.pump(client: client, server: server) }
        let ehlo = try await secure.replies(1, from: readSecure)
        #expect(ehlo.first?.hasPrefix("250-mx.example.org") == true)
        #expect(!ehlo.contains("250-STARTTLS"))
        client.writeAndFlush(ByteBuffer(string: "MAIL FROM:<s@example.net>\r\nQUIT\r\n"), promise: nil)
        let lines = try await secure.replies(2, from: readSecure)
        #expect(lines.map { String($0.prefix(4)) } == ["250 ", "221 "])
        #expect(await policy.calls.prefix(2) == ["connect", "mail tls=true"])  // then "abort" at QUIT
    }
}
