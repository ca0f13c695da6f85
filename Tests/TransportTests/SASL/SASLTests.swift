import Testing
@testable import Transport

@Suite("SASL PLAIN and LOGIN, base64")
struct SASLTests {
    private func b64(_ text: String) -> String { Base64.encode(Array(text.utf8)) }

    @Test func base64RoundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes)
        }
        #expect(Base64.encode(Array("bob".utf8)) == "Ym9i")
        #expect(Base64.decode(Array(" Ym 9i\t".utf8)) == Array("bob".utf8))
    }

    /// b64_pton's strictness: padding required and right, nothing after it, unused bits zero.
    @Test(arguments: ["Ym9", "Ym9i=", "Y===", "Yg=", "Yg==Yg==", "Yh==", "Ym9j=", "*", "Ym9i!", "=", "Yg=x"])
    func base64Refuses(_ text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil, "\(text)")
    }

    @Test func base64Limits() {
        #expect(Base64.decode(Array("Ym9i".utf8), maximumLength: 3) != nil)
        #expect(Base64.decode(Array("Ym9i".utf8), maximumLength: 2) == nil)
        #expect(Base64.decode(Array("Ym8=".utf8), maximumLength: 1) == nil)
    }

    @Test func plain() {
        var server = SASLPlainServer()
        #expect(server.start(initialResponse: nil) == .challenge(""))
        #expect(server.receive(Array(b64("\0bob\0secret").utf8))
            == .credentials(SASLCredentials(username: "bob", password: Array("secret".utf8))))
        #expect(server.start(initialResponse: b64("admin\0bob\0pässwörd"))
            == .credentials(SASLCredentials(authorizationID: "admin", username: "bob", password: Array("pässwörd".utf8))))
    }

    @Test(arguments: ["bob\0secret", "\0\0secret", "\0bob\0", "\0bob\0sec\0ret", "\0bo\rb\0secret", "\0bob\0sec\nret",
        "nonul"])
    func plainRefuses(_ message: String) {
        var server = SASLPlainServer()
        #expect(server.start(initialResponse: b64(message)) == .failed(.malformed), "\(message.debugDescription)")
    }

    @Test func plainRefusesIllFormedUTF8Usernames() {
        var server = SASLPlainServer()
        #expect(server.start(initialResponse: Base64.encode([0, 0xFF, 0, 0x78])) == .failed(.malformed))
    }

    @Test func plainCancelAndEmpty() {
        var server = SASLPlainServer()
        #expect(server.receive(Array("*".utf8)) == .failed(.cancelled))
        #expect(server.start(initialResponse: "=") == .failed(.malformed))
        let long = "\0" + String(repeating: "u", count: 256) + "\0p"
        #expect(server.start(initialResponse: b64(long)) == .failed(.malformed))
        let big = "\0u\0" + String(repeating: "p", count: 1021)
        #expect(server.start(initialResponse: b64(big)) == .failed(.malformed))
        let fits = "\0u\0" + String(repeating: "p", count: 1020)
        #expect(server.start(initialResponse: b64(fits)) != .failed(.malformed))
    }

    @Test func login() {
        var server = SASLLoginServer()
        #expect(server.start(initialResponse: nil) == .challenge("VXNlcm5hbWU6"))
        #expect(server.receive(Array(b64("bob").utf8)) == .challenge("UGFzc3dvcmQ6"))
        #expect(server.receive(Array(b64("secret").utf8))
            == .credentials(SASLCredentials(username: "bob", password: Array("secret".utf8))))
        var early = SASLLoginServer()
        #expect(early.start(initialResponse: b64("bob")) == .challenge("UGFzc3dvcmQ6"))
        #expect(early.receive(Array("*".utf8)) == .failed(.cancelled))
        var bad = SASLLoginServer()
        _ = bad.start(initialResponse: nil)
        #expect(bad.receive(Array("!!".utf8)) == .failed(.malformed))
        var crlf = SASLLoginServer()
        _ = crlf.start(initialResponse: nil)
        #expect(crlf.receive(Array(b64("bo\nb").utf8)) == .failed(.malformed))
        var empty = SASLLoginServer()
        _ = empty.start(initialResponse: nil)
        #expect(empty.receive([]) == .challenge("UGFzc3dvcmQ6"))
    }

    @Test func mechanismNames() {
        #expect(SASLMechanism(name: "plain") == .plain)
        #expect(SASLMechanism(name: "Login") == .login)
        #expect(SASLMechanism(name: "CRAM-MD5") == nil)
    }

    @Test func credentialsAreRedacted() {
        let credentials = SASLCredentials(username: "bob", password: Array("hunter2".utf8))
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials),
            dumped, "\(SessionPolicyRequest.authenticate(credentials))", "\([credentials])"]
        {
            #expect(!text.contains("hunter2") && !text.contains("104, 117"), "\(text)")
        }
    }
}
