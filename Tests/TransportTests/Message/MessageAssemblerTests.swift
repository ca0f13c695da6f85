import Testing
@testable import Transport

@Suite("MessageAssembler and the RFC 5322 header rules")
struct MessageAssemblerTests {
    private func assemble(_ lines: [String], maximum: Int = 1 << 20, missing: (date: String, messageID: String)? = nil,
        stripsBcc: Bool = true) -> (text: String, failure: MessageAssembler.Failure?)
    {
        var assembler = MessageAssembler(maximumSize: maximum, stripsBcc: stripsBcc, prefix: "R: x\n",
            missingHeaders: missing)
        for line in lines { assembler.append(line: ArraySlice(line.utf8)) }
        assembler.finish()
        return (String(decoding: assembler.takeOutput(), as: UTF8.self), assembler.failure)
    }

    @Test func passesLinesThroughWithLF() {
        #expect(assemble(["Subject: a", " folded", "", "body", ""]).text == "R: x\nSubject: a\n folded\n\nbody\n\n")
    }

    @Test func bccFieldsAreDropped() {
        let result = assemble(["To: a@b", "BCC: hidden@x,", "\tmore@y", "Cc: c@d", "", "Bcc: in body stays"])
        #expect(result.text == "R: x\nTo: a@b\nCc: c@d\n\nBcc: in body stays\n")
        #expect(assemble(["Bcc: kept", ""], stripsBcc: false).text == "R: x\nBcc: kept\n\n")
    }

    @Test func missingHeadersGoAtTheEndOfTheHeaderSection() {
        let missing = (date: "D", messageID: "<M@h>")
        #expect(assemble(["Subject: a", "", "b"], missing: missing).text
            == "R: x\nSubject: a\nDate: D\nMessage-ID: <M@h>\n\nb\n")
        #expect(assemble(["date: x", "MESSAGE-ID: <y>", "", "b"], missing: missing).text
            == "R: x\ndate: x\nMESSAGE-ID: <y>\n\nb\n")
        // A message without a blank line (or empty) still gets them, at the end.
        #expect(assemble(["Subject: a"], missing: missing).text == "R: x\nSubject: a\nDate: D\nMessage-ID: <M@h>\n")
        #expect(assemble([], missing: missing).text == "R: x\nDate: D\nMessage-ID: <M@h>\n")
    }

    @Test func failures() {
        #expect(assemble(["no colon here"]).failure == .malformed)
        #expect(assemble([" leading space first"]).failure == .malformed)
        #expect(assemble([String(repeating: "n", count: 1023) + ": v", ""]).failure == .malformed)
        #expect(assemble([String(repeating: "n", count: 1022) + ": v", ""]).failure == nil)
        #expect(assemble(Array(repeating: "Received: x", count: 99) + [""]).failure == nil)
        #expect(assemble(Array(repeating: "Received: x", count: 100) + [""]).failure == .loop)
        #expect(assemble(["Subject: 01234567890"], maximum: 20).failure == .tooBig)
        #expect(assemble(["Subject: 0123456789"], maximum: 20).failure == nil)
        let failed = assemble(["Subject: a", "", "x\u{0}y"])
        #expect(failed.failure == .nul && failed.text.isEmpty)
    }
}
