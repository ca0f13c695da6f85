import PeerSupport
import Testing
import Transport
@testable import Server

@Suite("smtpctl encrypt", .ownQueue)
struct EncryptCommandTests {
    private func run(_ words: [String], input: [String] = []) -> (Int32, [String]) {
        var lines = input[...]
        var output: [String] = []
        let status = EncryptCommand.run(words: words, readLine: { lines.popFirst() }, write: { output.append($0) })
        return (status, output.joined().split(separator: "\n").map(String.init))
    }

    @Test func bcryptByDefaultAndVerifiable() {
        let (status, hashes) = run(["encrypt", "batman-secret"])
        #expect(status == 0)
        #expect(hashes.count == 1 && hashes[0].hasPrefix("$2b$10$"))
        #expect(PasswordHash(hashes[0]).verify(Array("batman-secret".utf8)))
        #expect(!PasswordHash(hashes[0]).verify(Array("wrong".utf8)))
    }

    @Test func oneHashPerLineOfStandardInput() {
        let (status, hashes) = run(["encrypt"], input: ["a", "b", "c"])
        #expect(status == 0 && hashes.count == 3)
        #expect(zip(hashes, ["a", "b", "c"]).allSatisfy { PasswordHash($0.0).verify(Array($0.1.utf8)) })
    }

    @Test func otherSchemes() {
        #expect(run(["encrypt", "--scheme", "sha512", "x"]).1.first?.hasPrefix("$6$") == true)
        #expect(run(["encrypt", "--scheme", "yescrypt", "x"]).1.first?.hasPrefix("$y$") == true)
        #expect(run(["encrypt", "--scheme", "nope", "x"]).0 == 1)
    }
}
