import Testing
@testable import Transport

@Suite("Session: PIPELINING (RFC 2920)")
struct SessionPipeliningTests {
    /// The classic pipelined transaction: one write, replies in order.
    @Test func aWholeTransactionInOneWrite() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\n")
        let replies = harness.say("MAIL FROM:<a@b.example>\r\nRCPT TO:<r1@d.example>\r\nRCPT TO:<nobody@d.example>\r\n"
            + "RCPT TO:<r2@d.example>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@b.example>\r\n"
            + "RCPT TO:<r3@d.example>\r\nDATA\r\nX: y\r\n\r\n.\r\nQUIT\r\n")
        #expect(replies == ["250 2.0.0 Ok", Replies.recipientOK.description, "550 Invalid recipient: <nobody@d.example>",
            Replies.recipientOK.description, Replies.enterMail.description,
            "250 2.0.0 a1b2c3d Message accepted for delivery", "250 2.0.0 Ok", Replies.recipientOK.description,
            Replies.enterMail.description, "250 2.0.0 a1b2c3e Message accepted for delivery", "221 2.0.0 Bye"])
        #expect(harness.committed.count == 2)
    }

    /// While the policy thinks, nothing more is read, so replies cannot overtake each other.
    @Test func inputWaitsForThePolicy() {
        var harness = SessionHarness()
        harness.autoAnswer = false
        #expect(harness.send("EHLO c\r\n").count == 1)
        let first = harness.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nNOOP\r\n")
        #expect(first.isEmpty && harness.machine.isWaitingForPolicy)
        #expect(harness.machine.bufferedByteCount == 29)
        let second = harness.answer(.mailFrom(.accept(messageID: "1")))
        #expect(second == [Replies.ok])
        let third = harness.answer(.rcptTo(.accept))
        #expect(third == [Replies.recipientOK, Replies.ok])
    }

    /// A byte-at-a-time client gets the same replies as one that sends everything at once.
    @Test func byteAtATime() {
        let script = "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<r@d.example>\r\nBDAT 5\r\nX: y\r"
            + "BDAT 4 LAST\r\n\n\r\nbQUIT\r\n"
        var whole = SessionHarness()
        let expected = whole.say(script)
        var slow = SessionHarness()
        var replies: [String] = []
        for byte in script.utf8 { replies += slow.send(bytes: [byte]).map(\.description) }
        #expect(replies == expected)
        #expect(slow.committed == whole.committed)
    }

    /// A failed DATA leaves the pipelined content to be read as commands; each gets its error.
    @Test func contentAfterARefusedDataIsReadAsCommands() {
        var harness = SessionHarness()
        let replies = harness.say("EHLO c\r\nMAIL FROM:<a@b.example>\r\nDATA\r\nSubject: x\r\n.\r\n")
        #expect(Array(replies.suffix(3)) == [Replies.noRecipient.description, Replies.commandUnrecognized.description,
            Replies.commandUnrecognized.description])
        #expect(harness.committed.isEmpty)
    }
}
