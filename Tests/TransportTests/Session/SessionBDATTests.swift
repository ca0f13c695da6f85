import Testing
@testable import Transport

@Suite("Session: BDAT (RFC 3030)")
struct SessionBDATTests {
    private func transaction() -> SessionHarness {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<r@example.org>\r\n")
        return harness
    }

    @Test func chunksMakeOneMessage() {
        var harness = transaction()
        let replies = harness.say("BDAT 12\r\nSubject: x\r\nBDAT 8\r\n\r\nline1\rBDAT 3 LAST\r\n\nz\n")
        #expect(replies == ["250 2.0.0 Ok: 12 octets received", "250 2.0.0 Ok: 8 octets received",
            "554 5.5.2 Syntax error: bare <LF> received"])
        var clean = transaction()
        #expect(clean.say("BDAT 12\r\nSubject: x\r\nBDAT 8\r\n\r\nline1\rBDAT 2 LAST\r\n\nz") == [
            "250 2.0.0 Ok: 12 octets received", "250 2.0.0 Ok: 8 octets received",
            "250 2.0.0 a1b2c3d Message accepted for delivery"])
        #expect(clean.committed.first?.hasSuffix("Subject: x\n\nline1\nz\n") == true)
    }

    @Test func anEmptyLastChunk() {
        var harness = transaction()
        #expect(harness.say("BDAT 14\r\nSubject: x\r\n\r\nBDAT 0 LAST\r\n")
            == ["250 2.0.0 Ok: 14 octets received", "250 2.0.0 a1b2c3d Message accepted for delivery"])
        #expect(harness.committed.first?.hasSuffix("Subject: x\n\n") == true)
    }

    /// RFC 3030 §2: the octets are read whatever the verdict, then the reply comes.
    @Test func refusedChunksAreStillRead() {
        var harness = SessionHarness()
        #expect(harness.say("EHLO c\r\nBDAT 6\r\nQUIT\r\nNOOP\r\n").suffix(2)
            == [Replies.notAllowedHere.description, "250 2.0.0 Ok"])
        _ = harness.send("MAIL FROM:<s@example.net>\r\n")
        #expect(harness.say("BDAT 6 LAST\r\nRSET\r\n") == [Replies.noRecipient.description])
        #expect(harness.machine.transaction != nil)
    }

    @Test func chunksOverTheSizeLimitAbortTheTransaction() {
        var harness = SessionHarness(.test { $0.maximumMessageSize = 10 })
        _ = harness.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<r@example.org>\r\n")
        #expect(harness.say("BDAT 8\r\nX: y\r\n\r\nBDAT 8 LAST\r\n12345678NOOP\r\n")
            == ["250 2.0.0 Ok: 8 octets received", Replies.messageTooBig.description, "250 2.0.0 Ok"])
        #expect(harness.machine.transaction == nil && harness.aborted == 1 && harness.committed.isEmpty)
        // Further chunks of the failed transaction are read and refused.
        #expect(harness.say("BDAT 2 LAST\r\nab") == [Replies.notAllowedHere.description])
    }

    @Test func dataAfterBDATIsRefused() {
        var harness = transaction()
        #expect(harness.say("BDAT 6\r\nX: y\r\nDATA\r\n").last == Replies.notAllowedHere.description)
    }

    @Test func anUnreadableSizeEndsTheSession() {
        var harness = transaction()
        #expect(harness.say("BDAT lots\r\nanything") == ["501 5.5.4 Invalid command arguments: Syntax: BDAT count [LAST]"])
        #expect(harness.closed)
    }

    @Test func theReceivedHeaderComesFirst() {
        var harness = transaction()
        _ = harness.send("BDAT 10 LAST\r\nX: y\r\n\r\nhi")
        #expect(harness.committed.first?.hasPrefix("Received: from c (client.example.net [192.0.2.1])\n") == true)
        #expect(harness.committed.first?.hasSuffix("\nX: y\n\nhi\n") == true)
    }
}
