import NIOCore
import Synchronization
import NIOEmbedded
import Testing
@testable import Transport

/// Transcripts through a real channel pipeline: the handler must carry out the machine's actions (replies,
/// policy calls off the loop, message data, close) in order.
@Suite("SMTPServerHandler")
struct SMTPServerHandlerTests {
    private func codes(_ lines: [String]) -> [String] { lines.map { String($0.prefix(4)) } }

    @Test func wholeSession() async throws {
        let policy = RecordingPolicy()
        let channel = try await NIOAsyncTestingChannel.smtpServer(policy: policy)
        var reader = ReplyReader()
        let read = { try await channel.nextOutbound() }
        #expect(try await reader.replies(1, from: read).first?.hasPrefix("220 mx.example.org ESMTP") == true)
        try await channel.send("EHLO client.example.net\r\n")
        let ehlo = try await reader.replies(1, from: read)
        #expect(ehlo.first?.hasPrefix("250-mx.example.org") == true)
        #expect(ehlo.contains("250-PIPELINING"))
        try await channel.send("MAIL FROM:<s@example.net>\r\n")
        #expect(codes(try await reader.replies(1, from: read)) == ["250 "])
        try await channel.send("RCPT TO:<r@example.org>\r\n")
        #expect(codes(try await reader.replies(1, from: read)) == ["250 "])
        try await channel.send("DATA\r\n")
        #expect(codes(try await reader.replies(1, from: read)) == ["354 "])
        try await channel.send("Subject: hi\r\n\r\nbody\r\n.\r\n")
        #expect(codes(try await reader.replies(1, from: read)) == ["250 "])
        try await channel.send("QUIT\r\n")
        #expect(codes(try await reader.replies(1, from: read)) == ["221 "])
        try await channel.closeFuture.get()
        let calls = await policy.calls
        #expect(calls.prefix(4) == ["connect", "mail tls=false", "rcpt r", "open"])
        #expect(calls.count == 5 && calls[4].hasPrefix("commit "))
        let message = String(decoding: await policy.message, as: UTF8.self)
        #expect(message.hasSuffix("Subject: hi\n\nbody\n"))
    }

    /// Back-pressure while the policy answers: reading goes on as long as nothing waits unread (a client that
    /// waits for each reply keeps the socket registered), and stops once pipelined input is buffered.
    @Test func readsAreHeldBackOnlyWhenInputWaitsForAnAnswer() async throws {
        let gate = Gate()
        let policy = RecordingPolicy(gate: gate)
        let channel = try await NIOAsyncTestingChannel.smtpServer(policy: policy)
        let reads = ReadCounter()
        try await channel.pipeline.addHandler(reads, position: .first).get()
        var reader = ReplyReader()
        let read = { try await channel.nextOutbound() }
        _ = try await reader.replies(1, from: read)
        try await channel.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRC")
        _ = try await reader.replies(2, from: read)
        channel.pipeline.read()
        await channel.testingEventLoop.run()
        #expect(reads.count == 1, "no question out: a partial line is read on")

        try await channel.send("PT TO:<r@example.org>\r\n")
        channel.pipeline.read()
        await channel.testingEventLoop.run()
        #expect(reads.count == 2, "nothing buffered: the read goes through while the policy answers")
        try await channel.send("DATA\r\n")
        channel.pipeline.read()
        await channel.testingEventLoop.run()
        #expect(reads.count == 2, "DATA waits unread: no further read until the answer")
        await gate.open()
        #expect(codes(try await reader.replies(2, from: read)) == ["250 ", "354 "])
        #expect(reads.count == 3, "the held-back read is made once the answer is in")
    }

    /// The work after a commit that the client need not wait for (log lines, the hand-off to delivery) runs
    /// once the 250 is flushed to the socket, not before it.
    @Test func anAcceptedMessageIsReportedAfterItsReplyIsFlushed() async throws {
        let order = OrderLog()
        let policy = RecordingPolicy(order: order)
        let channel = try await NIOAsyncTestingChannel.smtpServer(policy: policy)
        try await channel.pipeline.addHandler(OutboundOrderRecorder(order: order), position: .first).get()
        var reader = ReplyReader()
        let read = { try await channel.nextOutbound() }
        _ = try await reader.replies(1, from: read)
        try await channel.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<r@example.org>\r\nDATA\r\n")
        _ = try await reader.replies(4, from: read)
        try await channel.send("Subject: hi\r\n\r\nbody\r\n.\r\n")
        #expect(codes(try await reader.replies(1, from: read)) == ["250 "])
        await channel.testingEventLoop.run()
        let entries = order.entries
        let flushed = entries.firstIndex(of: "flush 250 2.0.0 a1b2c3d")
        let reported = entries.firstIndex(of: "accepted a1b2c3d")
        #expect(flushed != nil && reported != nil)
        if let flushed, let reported { #expect(flushed < reported, "\(entries)") }
    }

    /// RFC 2920: one write with a whole transaction; the answers, one of them late, come back in order.
    @Test func pipelinedCommandsWithSlowPolicy() async throws {
        let policy = RecordingPolicy(slowRecipients: ["slow"])
        let channel = try await NIOAsyncTestingChannel.smtpServer(policy: policy)
        var reader = ReplyReader()
        let read = { try await channel.nextOutbound() }
        _ = try await reader.replies(1, from: read)
        try await channel.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<slow@example.org>\r\n"
            + "RCPT TO:<nobody@example.org>\r\nRCPT TO:<fast@example.org>\r\nDATA\r\n")
        let lines = try await reader.replies(6, from: read)
        #expect(codes(lines).filter { $0.last == " " } == ["250 ", "250 ", "250 ", "550 ", "250 ", "354 "])
        #expect(await policy.calls == ["connect", "mail tls=false", "rcpt slow", "rcpt nobody", "rcpt fast", "open"])
        try await channel.send(".\r\nQUIT\r\n")
        #expect(codes(try await reader.replies(2, from: read)) == ["250 ", "221 "])
    }

    /// A bare LF ends the session (SMTP smuggling defence) and the channel is closed.
    @Test func bareLineFeedClosesChannel() async throws {
        let policy = RecordingPolicy()
        let channel = try await NIOAsyncTestingChannel.smtpServer(policy: policy)
        var reader = ReplyReader()
        let read = { try await channel.nextOutbound() }
        _ = try await reader.replies(1, from: read)
        try await channel.send("EHLO c\nMAIL FROM:<s@example.net>\r\n")
        let lines = try await reader.replies(1, from: read)
        #expect(lines.first?.hasPrefix("500 5.5.2") == true || lines.first?.hasPrefix("554 5.5.2") == true)
        try await channel.closeFuture.get()
        #expect(await policy.calls == ["connect"])
    }

    /// The idle timer re-armed by every batch closes a silent session with OpenSMTPD's 421.
    @Test func idleTimeoutCloses() async throws {
        let channel = try await NIOAsyncTestingChannel.smtpServer(policy: RecordingPolicy())
        var reader = ReplyReader()
        let read = { try await channel.nextOutbound() }
        _ = try await reader.replies(1, from: read)
        await channel.testingEventLoop.advanceTime(by: .seconds(301))
        #expect(codes(try await reader.replies(1, from: read)) == ["421 "])
        try await channel.closeFuture.get()
    }

    /// A client that leaves mid-transaction gets its transaction aborted at the policy.
    @Test func disconnectAbortsTransaction() async throws {
        let policy = RecordingPolicy()
        let channel = try await NIOAsyncTestingChannel.smtpServer(policy: policy)
        var reader = ReplyReader()
        let read = { try await channel.nextOutbound() }
        _ = try await reader.replies(1, from: read)
        try await channel.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\n")
        _ = try await reader.replies(2, from: read)
        try await channel.close()
        for _ in 0..<200 where await policy.calls.last != "abort" { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await policy.calls == ["connect", "mail tls=false", "abort"])
    }
}

/// Notes each flush with the first reply line written since the previous one.
final class OutboundOrderRecorder: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = ByteBuffer
    let order: OrderLog
    private let written = Mutex<String?>(nil)
    init(order: OrderLog) { self.order = order }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // "250 2.0.0 a1b2c3d Message accepted…" → "250 2.0.0 a1b2c3d".
        let firstLine = String(buffer: unwrapOutboundIn(data)).prefix { $0 != "\r" }
        let key = firstLine.split(separator: " ").prefix(3).joined(separator: " ")
        written.withLock { if $0 == nil { $0 = key } }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        if let line = written.withLock({ state -> String? in defer { state = nil }; return state }) {
            order.append("flush \(line)")
        }
        context.flush()
    }
}

/// Counts the reads that reach the head of the pipeline.
final class ReadCounter: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = ByteBuffer
    private let reads = Mutex(0)
    var count: Int { reads.withLock { $0 } }

    func read(context: ChannelHandlerContext) {
        reads.withLock { $0 += 1 }
        context.read()
    }
}
