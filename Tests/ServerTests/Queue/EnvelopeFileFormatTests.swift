import Testing
@testable import Server

@Suite("Queue envelope file format")
struct EnvelopeFileFormatTests {
    private let id = EnvelopeID(rawValue: 0x1a2b_3c4d_00c0_ffee)!

    @Test func roundTripsEveryField() throws {
        var envelope = sampleEnvelope("δοκιμή@example.net")
        envelope.id = id
        envelope.sender = ""  // the null sender
        envelope.user = nil
        envelope.lastError = "line\r\nbreak 100%"
        envelope.extraFields = ["future-key": "kept"]
        let bytes = EnvelopeFileFormat.encode(envelope, id: id)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(try EnvelopeFileFormat.decode(bytes, expected: id) == envelope)
    }

    @Test func roundTripsOptionalDeliveryAndDSNFields() throws {
        var envelope = sampleEnvelope()
        envelope.deliveryUser = "_vmail"
        envelope.home = "/var/vmail"
        envelope.junk = true
        envelope.subaddress = "news"
        envelope.dsn = DSNFields(
            notify: "SUCCESS,DELAY", originalRecipient: "rfc822;bob@example.net", ret: "HDRS", envelopeID: "q1",
            body: "8BITMIME", smtputf8: true)
        envelope.lastWarning = 1_764_003_600
        envelope.id = id
        let bytes = EnvelopeFileFormat.encode(envelope, id: id)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\nrunas: _vmail\n") && text.contains("\njunk: yes\n") && text.contains("\nsmtputf8: yes\n"))
        #expect(try EnvelopeFileFormat.decode(bytes, expected: id) == envelope)
        let plain = String(decoding: EnvelopeFileFormat.encode(sampleEnvelope(), id: id), as: UTF8.self)
        #expect(!plain.contains("runas") && !plain.contains("junk") && !plain.contains("notify"))
    }

    @Test func roundTripsTheBodyCheck() throws {
        var envelope = sampleEnvelope()
        envelope.id = id
        envelope.bodyCheck = BodyCheck(size: 2048, sha256: String(repeating: "0f", count: 32))
        let bytes = EnvelopeFileFormat.encode(envelope, id: id)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("bodysize: 2048\nbodysha256: \(String(repeating: "0f", count: 32))\n"))
        #expect(try EnvelopeFileFormat.decode(bytes, expected: id) == envelope)
    }

    @Test(arguments: [
        "bodysize: 22\n",  // without its digest
        "bodysha256: \(String(repeating: "a", count: 64))\n",  // without its size
        "bodysize: 22\nbodysha256: \(String(repeating: "A", count: 64))\n",  // upper case
        "bodysize: 22\nbodysha256: abc\n",  // too short
        "bodysize: -1\nbodysha256: \(String(repeating: "a", count: 64))\n",
    ])
    func rejectsABrokenBodyCheck(_ lines: String) {
        let bytes = EnvelopeFileFormat.encode(sampleEnvelope(), id: id) + Array(lines.utf8)
        #expect(throws: EnvelopeParseError.self) { try EnvelopeFileFormat.decode(bytes, expected: id) }
    }

    @Test func rejectsBadFlagValues() {
        var bytes = EnvelopeFileFormat.encode(sampleEnvelope(), id: id)
        bytes += Array("junk: maybe\n".utf8)
        #expect(throws: EnvelopeParseError.self) { try EnvelopeFileFormat.decode(bytes, expected: id) }
    }

    @Test func writesReadableKeyValueLines() {
        let text = String(decoding: EnvelopeFileFormat.encode(sampleEnvelope(), id: id), as: UTF8.self)
        #expect(text.hasPrefix("version: 1\nevpid: 1a2b3c4d00c0ffee\nsender: alice@example.org\n"))
        #expect(text.hasSuffix("retry: 0\nlasterror: \n"))
    }

    @Test(arguments: [
        "", "version: 1\n", "version: 2\nevpid: 1a2b3c4d00c0ffee\n",
        "version: 1\nversion: 1\n", "no colon\n",
    ])
    func rejectsBrokenFiles(_ text: String) {
        #expect(throws: EnvelopeParseError.self) { try EnvelopeFileFormat.decode(Array(text.utf8), expected: id) }
    }

    @Test func rejectsTruncationAndWrongID() {
        let bytes = EnvelopeFileFormat.encode(sampleEnvelope(), id: id)
        #expect(throws: EnvelopeParseError.self) { try EnvelopeFileFormat.decode(Array(bytes.dropLast(3)), expected: id) }
        let other = EnvelopeID(rawValue: 0x1a2b_3c4d_0000_0001)!
        #expect(throws: EnvelopeParseError.self) { try EnvelopeFileFormat.decode(bytes, expected: other) }
    }

    @Test func idsLookLikeOpenSMTPDs() {
        let message = MessageID(rawValue: 0xab)!
        #expect(message.description == "000000ab")
        let envelope = EnvelopeID.random(in: message)
        #expect(envelope.description.count == 16 && envelope.description.hasPrefix("000000ab"))
        #expect(envelope.messageID == message)
        #expect(MessageID(hex: "000000ab") == message)
        #expect(MessageID(hex: "00000000") == nil && MessageID(hex: "abc") == nil)
        #expect(EnvelopeID(hex: envelope.description) == envelope)
    }
}
