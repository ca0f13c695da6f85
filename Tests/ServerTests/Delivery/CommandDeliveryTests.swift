import Foundation
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

@Suite("mda and pipe delivery")
struct CommandDeliveryTests {
    let body = "Subject: hello\n\nbody\n"

    @Test("exit 0 is delivered; the command reads the message with OpenSMTPD's header lines in front", arguments: [
        LocalDelivery.Method.mda, .pipe,
    ])
    func delivered(method: LocalDelivery.Method) {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        let outcome = testDeliverer().deliver(
            localDelivery(method, target: "cat > '\(dir.path)/out'"), body: message.body)
        #expect(outcome == .delivered("Delivered"))
        #expect(
            String(decoding: dir.contents(of: "out"), as: UTF8.self)
                == "Return-Path: <alice@example.org>\nDelivered-To: bob+news@example.net\n" + body)
    }

    @Test("the null sender gets no Return-Path line")
    func nullSender() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        _ = testDeliverer().deliver(
            localDelivery(.mda, target: "cat > '\(dir.path)/out'", sender: ""), body: message.body)
        #expect(String(decoding: dir.contents(of: "out"), as: UTF8.self) == "Delivered-To: bob+news@example.net\n" + body)
    }

    @Test("exit codes: 75 and 71 are temporary, anything else permanent, with the command's first lines quoted",
        arguments: [
            ("echo 'try later' >&2; exit 75", DeliveryOutcome.temporaryFailure(#"temporary failure: "try later""#)),
            ("exit 71", .temporaryFailure("system resource problem")),
            ("echo 'no such mailbox' >&2; exit 67", .permanentFailure(#"user unknown: "no such mailbox""#)),
            ("printf 'first\\n\\tsecond \"q\"\\nthird\\nfourth\\n' >&2; exit 3",
             .permanentFailure(#"exited with status 3: "first" "\tsecond \"q\"" "third""#)),
            ("exit 1", .permanentFailure("exited with status 1")),
            ("kill -TERM $$", .temporaryFailure("terminated; signal 15")),
        ])
    func exitCodes(command: String, expected: DeliveryOutcome) {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        #expect(testDeliverer().deliver(localDelivery(.mda, target: command), body: message.body) == expected)
    }

    @Test("the command sees exactly OpenSMTPD's environment, and starts in the home directory")
    func environment() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        let home = dir.path
        let delivery = localDelivery(
            .mda, target: "env > '\(dir.path)/env'; pwd > '\(dir.path)/pwd'", user: currentUserName(), home: home,
            subaddress: "news")
        #expect(testDeliverer().deliver(delivery, body: message.body) == .delivered("Delivered"))
        let lines = Set(String(decoding: dir.contents(of: "env"), as: UTF8.self).split(separator: "\n").map(String.init))
        let expected: Set = [
            "PATH=/usr/bin:/bin", "DOMAIN=example.net", "HOME=\(home)",
            "ORIGINAL_RECIPIENT=bob+news@example.net", "RECIPIENT=bob@example.net", "SHELL=/bin/sh",
            "LOCAL=bob+news", "LOGNAME=\(currentUserName())", "USER=\(currentUserName())",
            "SENDER=alice@example.org", "EXTENSION=news",
        ]
        // The shell itself adds PWD; nothing else may come from the daemon's environment.
        #expect(lines.filter { !$0.hasPrefix("PWD=") } == expected)
        let pwd = String(decoding: dir.contents(of: "pwd"), as: UTF8.self)
        #expect(pwd == home + "\n" || pwd == (home as NSString).resolvingSymlinksInPath + "\n")
    }

    @Test("with `user` in the action, HOME is that user's passwd directory and USER stays the recipient")
    func actionUserHome() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        var delivery = localDelivery(.mda, target: "env > '\(dir.path)/env'", user: "bob", home: "/var/vmail/bob")
        delivery.deliveryUser = currentUserName()
        #expect(testDeliverer().deliver(delivery, body: message.body) == .delivered("Delivered"))
        let env = String(decoding: dir.contents(of: "env"), as: UTF8.self)
        #expect(env.contains("HOME=\(SystemAccount.current().home)\n"))
        #expect(env.contains("USER=bob\n"))
        #expect(env.contains("LOGNAME=bob\n"))
    }

    @Test("a command that runs too long is killed with its children: a temporary failure")
    func timeout() {
        var runner = CommandRunner()
        runner.timeout = 0.5
        let started = Date()
        #expect(throws: LocalDeliveryError.temporary("terminated; timeout")) {
            try runner.run(
                "sleep 30 & sleep 30", message: Array(body.utf8), environment: [], workingDirectory: "/")
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("a command that ignores its input still finishes: standard input is a file, not a pipe")
    func unreadInput() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body + String(repeating: "y", count: 1 << 20) + "\n", in: dir)
        #expect(testDeliverer().deliver(localDelivery(.mda, target: "true"), body: message.body) == .delivered("Delivered"))
    }
}
