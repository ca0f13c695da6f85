import PeerSupport
import Testing
@testable import Transport

@Suite("PasswordHash over crypt_r", .ownQueue)
struct PasswordHashTests {
    /// Hashes made outside Tern: Debian's OpenSMTPD `encrypt` and `smtpctl encrypt` ($6$), `openssl passwd`
    /// ($6$, $5$, $1$), Openwall's published bcrypt vector ($2a$), and Python's crypt module ($2b$, $2y$, $y$).
    @Test(arguments: [
        ("$6$sNa9ov6usotz5NDr$9SfEZvfYmrEUY/hWhq.QBxW7By2Gs1pKblH/bfv2v0h8dqvBHsfuym4Te5Y2JZaZtbKD6/w8lY228jjYhvDhE.",
            "secret"),
        ("$6$1yCq2G.Wdf99pGvc$z2wrtQxgCkJag2X.F8kGaZo2JZPC0jXuBl5JsKQ.eyTW5kG8cIHooDXEFZl8TzVh9lB2uX3C3ADGo6En0Cz6T.",
            "secret"),
        ("$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1", "secret"),
        ("$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA", "secret"),
        ("$1$saltsalt$9xy1btjgzLYfb7hivXtC//", "secret"),
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"),
        ("$2b$10$hejg4S9zejYCXOu7fe7zS.O3yBZgOCETiaKbOc9zGmG.8KlK6Ewo2", "secret"),
        ("$2y$05$abcdefghijklmnopqrstuuZVEMa1pjhlynBQ1qXmSvGBJpN9h1w8G", "pässwörd"),
        ("$y$j9T$abcdefghijklmnopqrstu0$mOkpolYyJ.KNNCiMbGK4KxW4ANNbYJAkJsLwEEfdgPD", "secret"),
    ])
    func verifiesKnownHashes(_ hash: String, _ password: String) {
        let stored = PasswordHash(hash)
        #expect(stored.verify(Array(password.utf8)))
        #expect(!stored.verify(Array((password + "x").utf8)))
        #expect(!stored.verify([]))
    }

    @Test func refusesGarbage() {
        #expect(!PasswordHash("").verify(Array("x".utf8)))
        #expect(!PasswordHash("*").verify(Array("x".utf8)))
        #expect(!PasswordHash("$9$nope").verify(Array("x".utf8)))
        #expect(!PasswordHash("$6$saltsalt$").verify(Array("secret".utf8)))
        let hash = PasswordHash("$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA")
        #expect(!hash.verify(Array("secret".utf8) + [0]))
    }

    @Test(arguments: [PasswordHash.Scheme.bcrypt(cost: 4), .yescrypt, .sha512, .sha256])
    func makesHashesItCanVerify(_ scheme: PasswordHash.Scheme) throws {
        let hash = try PasswordHash.make(password: Array("correct horse".utf8), scheme: scheme)
        #expect(hash.encoded.hasPrefix(scheme.prefix))
        #expect(hash.verify(Array("correct horse".utf8)))
        #expect(!hash.verify(Array("correct horsf".utf8)))
        let again = try PasswordHash.make(password: Array("correct horse".utf8), scheme: scheme)
        #expect(again != hash)  // fresh salt
    }

    @Test func defaultIsBcryptCost10() throws {
        let hash = try PasswordHash.make(password: Array("x".utf8))
        #expect(hash.encoded.hasPrefix("$2b$10$"))
        #expect(hash.family == "$2b$")
        #expect(hash.description == "PasswordHash($2b$…)")
        #expect(throws: PasswordHash.Error.invalidPassword) { try PasswordHash.make(password: [0x61, 0]) }
        #expect(throws: PasswordHash.Error.unsupportedScheme) {
            try PasswordHash.make(password: Array("x".utf8), scheme: .bcrypt(cost: 99))
        }
    }
}
