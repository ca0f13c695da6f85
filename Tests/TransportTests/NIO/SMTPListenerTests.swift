import NIOCore
import NIOPosix
import Testing
@testable import Transport

/// One session over a real TCP socket on the loopback interface.
@Suite("SMTPListener")
struct SMTPListenerTests {
    @Test func sessionOverLoopback() async throws {
        let policy = RecordingPolicy()
        let listener = try await SMTPListener.bind(host: "127.0.0.1", port: 0, configuration: .test(), policy: policy)
        #expect(listener.port > 0)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: listener.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let transcript = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "EHLO c\r\nMAIL FROM:<s@example.net>\r\n"
                + "RCPT TO:<r@example.org>\r\nDATA\r\nSubject: t\r\n\r\nhello\r\n.\r\nQUIT\r\n"))
            var text = ""
            for try await buffer in inbound {
                text += String(buffer: buffer)
            }
            return text
        }
        let finals = transcript.split(separator: "\r\n").filter { $0.count >= 4 && $0.dropFirst(3).first == " " }
        #expect(finals.map { String($0.prefix(3)) } == ["220", "250", "250", "250", "354", "250", "221"])
        #expect(String(decoding: await policy.message, as: UTF8.self).hasSuffix("Subject: t\n\nhello\n"))
        try await listener.close()
    }
}
