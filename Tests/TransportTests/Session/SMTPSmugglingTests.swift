import Testing
@testable import Transport

/// SMTP smuggling (SEC Consult, December 2023): a sender hides a second message behind an end-of-data sequence
/// that the outbound server treats as content and the inbound server treats as the end. Tern accepts only
/// `CRLF . CRLF` and refuses the rest outright (see `SMTPLineFramer`), so a hidden message can never be
/// accepted as a message of its own.
@Suite("SMTP smuggling defence")
struct SMTPSmugglingTests {
    static let smuggled = "MAIL FROM:<admin@example.org>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n"
        + "From: admin@example.org\r\n\r\nsmuggled\r\n.\r\nQUIT\r\n"

    /// The published end-of-data variants that use a bare CR or LF: each ends the session with a 554 before the
    /// hidden commands are read.
    @Test(arguments: [
        ("\n.\n", "bare <LF>"),
        ("\n.\r\n", "bare <LF>"),
        ("\r\n.\n", "bare <LF>"),
        ("\r.\r", "bare <CR>"),
        ("\r.\r\n", "bare <CR>"),
        ("\r\n.\r", "bare <CR>"),
        ("\r\n.\r\r\n", "bare <CR>"),
        ("\n..\n", "bare <LF>"),
    ])
    func bareLineEndsEndTheSession(_ ending: String, _ what: String) {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<sender@example.net>\r\nRCPT TO:<rcpt@example.org>\r\nDATA\r\n")
        let replies = harness.say("Subject: first\r\n\r\nhello" + ending + Self.smuggled + "\r\n.\r\n")
        #expect(replies == ["554 5.5.2 Syntax error: \(what) received"])
        #expect(harness.closed)
        #expect(harness.committed.isEmpty && harness.aborted == 1)
        #expect(harness.questions.filter { if case .mailFrom = $0 { return true } else { return false } }.count == 1)
    }

    /// The same, one byte at a time (the bare byte may arrive alone).
    @Test func bareLineEndsAreCaughtAtEverySplit() {
        let ending = "\r\n.\n"
        let input = Array(("X: y\r\n\r\nhello" + ending + Self.smuggled).utf8)
        for split in 1..<input.count {
            var harness = SessionHarness()
            _ = harness.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<r@example.org>\r\nDATA\r\n")
            let replies = harness.send(bytes: Array(input[..<split])) + harness.send(bytes: Array(input[split...]))
            #expect(replies.map(\.description) == ["554 5.5.2 Syntax error: bare <LF> received"], "split \(split)")
            #expect(harness.committed.isEmpty)
        }
    }

    /// `CRLF NUL . CRLF`: a server that drops NULs would see the end of data; Tern keeps reading, so the hidden
    /// commands stay message content, and then refuses the message for its NUL.
    @Test func nulBeforeTheDot() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<sender@example.net>\r\nRCPT TO:<rcpt@example.org>\r\nDATA\r\n")
        let replies = harness.send(bytes: Array("Subject: first\r\n\r\nhello\r\n".utf8) + [0]
            + Array((".\r\n" + Self.smuggled).utf8))
        #expect(replies.map(\.description) == ["554 5.6.0 Other/Undefined media error: Message contains NUL characters",
            "221 2.0.0 Bye"])
        #expect(harness.committed.isEmpty)
        #expect(harness.questions.filter { if case .mailFrom = $0 { return true } else { return false } }.count == 1)
    }

    /// Only CRLF . CRLF ends the message; what looks like an end inside a line is content.
    @Test func onlyTheRealEndOfDataEndsTheMessage() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<r@example.org>\r\nDATA\r\n")
        let replies = harness.say("X: y\r\n\r\n. \r\n.x\r\n..\r\n.\r\n")
        #expect(replies == ["250 2.0.0 a1b2c3d Message accepted for delivery"])
        #expect(harness.committed.first?.hasSuffix("X: y\n\n \nx\n.\n") == true)
    }

    /// BDAT data is counted, so no end-of-data can hide in it; bare line ends in it are still refused (they would
    /// become real line ends in the queue), without ending the session.
    @Test func bareLineEndsInsideBDAT() {
        var harness = SessionHarness()
        _ = harness.send("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<r@example.org>\r\n")
        let body = "X: y\r\n\r\nhello\n.\n" + Self.smuggled
        let replies = harness.say("BDAT \(body.utf8.count) LAST\r\n" + body)
        #expect(replies == ["554 5.5.2 Syntax error: bare <LF> received"])
        #expect(!harness.closed && harness.committed.isEmpty)
        #expect(harness.questions.filter { if case .mailFrom = $0 { return true } else { return false } }.count == 1)
    }

    @Test func commandsWithBareLineEndsAreRefused() {
        var harness = SessionHarness()
        #expect(harness.say("EHLO c\n") == ["500 5.5.2 Syntax error: bare <LF> received"])
        #expect(harness.closed)
    }
}
