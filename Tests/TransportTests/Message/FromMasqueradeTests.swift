import Testing
@testable import Transport

/// `senders <T> masquerade`, as OpenSMTPD's header_address_rewrite_buffer rewrites From.
@Suite("From masquerading")
struct FromMasqueradeTests {
    @Test(arguments: [
        (" Bruce <bruce@wayne.example>", " Bruce <batman@athome.tld>"),
        (" bruce@wayne.example", " batman@athome.tld"),
        (" bruce@wayne.example (Bruce Wayne)", " batman@athome.tld (Bruce Wayne)"),
        (#" "Wayne, Bruce" <b@x.example>, c@y.example"#, #" "Wayne, Bruce" <batman@athome.tld>, batman@athome.tld"#),
        (" team: a@x.example, b@y.example;", " team: a@x.example, b@y.example;"),
        (#" "open quote <a@x.example>"#, #" "open quote <a@x.example>"#),
        ("", ""),
    ])
    func rewritesEveryAddress(_ value: String, _ expected: String) {
        #expect(FromMasquerade.rewrite(value, sender: "batman@athome.tld") == expected)
    }

    @Test func assemblerRewritesAFoldedFromFieldAndNothingElse() {
        var assembler = MessageAssembler(maximumSize: 1 << 20, stripsBcc: true, prefix: "", missingHeaders: nil,
            masqueradeSender: "batman@athome.tld")
        for line in ["From: Bruce", "\t<bruce@wayne.example>", "To: Bruce <bruce@wayne.example>", "",
                     "From: not a header in the body"] {
            assembler.append(line: ArraySlice(Array(line.utf8)))
        }
        assembler.finish()
        #expect(String(decoding: assembler.takeOutput(), as: UTF8.self) ==
            "From: Bruce\n\t<batman@athome.tld>\nTo: Bruce <bruce@wayne.example>\n\nFrom: not a header in the body\n")
    }

    @Test func withoutMasqueradeFromIsUntouched() {
        var assembler = MessageAssembler(maximumSize: 1 << 20, stripsBcc: true, prefix: "", missingHeaders: nil)
        assembler.append(line: ArraySlice(Array("From: Bruce <bruce@wayne.example>".utf8)))
        assembler.finish()
        #expect(String(decoding: assembler.takeOutput(), as: UTF8.self) == "From: Bruce <bruce@wayne.example>\n")
    }
}
