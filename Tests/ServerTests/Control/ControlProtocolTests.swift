import Testing
@testable import Server

@Suite("Control socket protocol")
struct ControlProtocolTests {
    @Test func requestsRoundTrip() throws {
        let request = ControlProtocol.Request(command: "update-table", arguments: ["virtuals"])
        let bytes = try #require(request.encoded)
        #expect(bytes == Array("update-table\tvirtuals\n".utf8))
        #expect(ControlProtocol.Request(line: bytes.dropLast()) == request)
        #expect(ControlProtocol.Request(command: "x", arguments: ["a\nb"]).encoded == nil)
        #expect(ControlProtocol.Request(line: [UInt8]()) == nil)
    }

    @Test(arguments: [
        ControlProtocol.ResponseLine.output("MDA running"), .error("smtpctl: no such envelope"), .exit(1),
        .output(""),
    ])
    func responseLinesRoundTrip(_ line: ControlProtocol.ResponseLine) {
        #expect(ControlProtocol.ResponseLine(line: line.encoded.dropLast()) == line)
    }

    @Test func lineBreaksInTextCannotForgeLines() {
        let encoded = ControlProtocol.ResponseLine.output("one\nx 0").encoded
        #expect(encoded.filter { $0 == 0x0a }.count == 1)
    }

    @Test func controlArgumentsAreTheDaemonsWords() {
        #expect(SMTPCtl.controlArguments([], words: ["schedule", "al"]) == ["all"])
        #expect(SMTPCtl.controlArguments([.messageID(0xab)], words: ["schedule", "000000ab"]) == ["000000ab"])
        #expect(SMTPCtl.controlArguments([.string("virtuals")], words: ["update", "table", "virtuals"]) == ["virtuals"])
        #expect(SMTPCtl.controlArguments([], words: ["show", "queue"]) == [])
    }

    @Test func dashSNamesTheSocket() {
        #expect(ControlClient.socketOption(["-s", "/tmp/x.sock", "show", "queue"]) == ("/tmp/x.sock", ["show", "queue"]))
        #expect(ControlClient.socketOption(["show", "queue"]) == (nil, ["show", "queue"]))
    }
}
