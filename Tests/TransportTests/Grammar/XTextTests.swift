import Testing
@testable import Transport

@Suite("xtext (RFC 3461 §4)")
struct XTextTests {
    @Test func decodes() {
        #expect(XText.decode(Array("abc+2Bdef+3D".utf8)) == Array("abc+def=".utf8))
        #expect(XText.decode(Array("".utf8)) == [])
    }

    @Test(arguments: ["a=b", "a b", "+2", "+2b", "+G0", "\u{7F}"])
    func refuses(_ text: String) {
        #expect(XText.decode(Array(text.utf8)) == nil)
    }

    @Test func encodesWhatNeedsIt() {
        #expect(XText.encode(Array("a+b=c d\u{1}".utf8)) == "a+2Bb+3Dc+20d+01")
        let all = (0...255).map { UInt8($0) }
        #expect(XText.decode(Array(XText.encode(all).utf8)) == all)
    }
}
