import Testing
@testable import Server

@Suite("smtpctl command words")
struct CommandTreeTests {
    private let tree = CommandTree.smtpctl

    @Test func exactAndAbbreviatedWords() {
        #expect(tree.resolve(["show", "queue"]) == .command("show-queue", []))
        #expect(tree.resolve(["sh", "q"]) == .command("show-queue", []))
        #expect(tree.resolve(["up", "t", "passwd"]) == .command("update-table", [.string("passwd")]))
        #expect(tree.resolve(["encrypt"]) == .command("encrypt", []))
        #expect(tree.resolve(["encrypt", "secret"]) == .command("encrypt", [.string("secret")]))
    }

    @Test func typedPlaceholders() {
        #expect(tree.resolve(["schedule", "0123456789abcdef"]) == .command("schedule", [.envelopeID(0x0123456789abcdef)]))
        #expect(tree.resolve(["schedule", "01234567"]) == .command("schedule", [.messageID(0x01234567)]))
        #expect(tree.resolve(["schedule", "all"]) == .command("schedule", []))
        #expect(tree.resolve(["pause", "mta", "from", "192.0.2.1", "for", "example.org"])
                    == .command("pause-mta-route", [.address("192.0.2.1"), .string("example.org")]))
    }

    @Test func ambiguousPrefixListsPossibilitiesAsOpenSMTPDDoes() {
        // "sh st" is ambiguous between status and stats.
        guard case .failure(let lines) = tree.resolve(["sh", "st"]) else { Issue.record("resolved"); return }
        #expect(lines.first == "possibilities are:")
        #expect(lines == ["possibilities are:", "show mta", "show envelope", "show hoststats", "show message",
                          "show queue", "show hosts", "show relays", "show routes", "show stats", "show status"])
    }

    @Test func badIdentifierAndUnknownWord() {
        guard case .failure(let lines) = tree.resolve(["schedule", "xyz"]) else { Issue.record("resolved"); return }
        #expect(lines == ["possibilities are:", "schedule <msgid>", "schedule <evpid>", "schedule all"])
        guard case .failure(let top) = tree.resolve(["bogus"]) else { Issue.record("resolved"); return }
        // As Debian's smtpctl 6.8 prints it, followed by Tern's additions.
        #expect(top == ["possibilities are:", "discover", "pause", "resume", "show", "log", "monitor", "profile",
                        "remove", "schedule", "trace", "unprofile", "untrace", "update", "encrypt", "spf",
                        "reload", "route"])
    }

    @Test func incompleteCommand() {
        guard case .failure(let lines) = tree.resolve(["update"]) else { Issue.record("resolved"); return }
        #expect(lines == ["possibilities are:", "update table"])
    }
}
