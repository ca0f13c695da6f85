import Foundation
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

@Suite("Maildir delivery")
struct MaildirDeliveryTests {
    let body = "Subject: hello\nFrom: alice@example.org\n\nline one\nline two\n"
    let prefix = "Return-Path: <alice@example.org>\nDelivered-To: bob+news@example.net\n"

    @Test("a missing maildir is created 0700 and the message lands in new/ with exact contents")
    func deliversIntoNew() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        let maildir = dir.path + "/home/bob/Maildir"
        let outcome = testDeliverer().deliver(localDelivery(.maildir, target: maildir), body: message.body)
        #expect(outcome == .delivered("Delivered"))
        let names = dir.files(in: "home/bob/Maildir/new")
        try #require(names.count == 1)
        #expect(dir.files(in: "home/bob/Maildir/tmp").isEmpty)
        #expect(String(decoding: dir.contents(of: "home/bob/Maildir/new/" + names[0]), as: UTF8.self) == prefix + body)
        for sub in ["", "/cur", "/new", "/tmp"] {
            var info = stat()
            #expect(stat(maildir + sub, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o700, "mode of \(maildir + sub)")
            #expect(info.st_uid == geteuid())
        }
    }

    @Test("the file name parses the way Dovecot reads it: S= is the file size, W= the CRLF size")
    func fileNameParses() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        _ = testDeliverer().deliver(localDelivery(.maildir, target: dir.path + "/Maildir"), body: message.body)
        let name = try #require(dir.files(in: "Maildir/new").first)
        let pattern = #/^(\d+)\.M(\d+)P(\d+)Q(\d+)R([0-9a-f]{8})\.([^/:,]+),S=(\d+),W=(\d+)$/#
        let match = try #require(name.wholeMatch(of: pattern))
        let size = prefix.utf8.count + body.utf8.count
        let lines = (prefix + body).filter { $0 == "\n" }.count
        #expect(Int(match.7) == size)
        #expect(Int(match.8) == size + lines)
        #expect(Int32(match.3) == getpid())
        let seconds = try #require(Int(match.1))
        #expect(abs(seconds - Int(Date().timeIntervalSince1970)) < 60)
    }

    @Test("names are unique for deliveries in the same microsecond")
    func uniqueNames() {
        let message = Array("x\n".utf8)
        let names = Set((0..<1000).map { _ in MaildirFileName.make(for: message).description })
        #expect(names.count == 1000)
    }

    @Test("host names cannot break the name's fields")
    func escapedHost() {
        #expect(MaildirFileName.escapedHost("a/b:c,d") == "a\\057b\\072c\\054d")
    }

    @Test("with junk, X-Spam: yes goes to .Junk/new; other mail stays in new/", arguments: [
        ("X-Spam: yes", true), ("x-spam-flag: YES", true), ("X-Spam: no", false), ("X-Spam-Score: yes", false),
    ])
    func junk(header: String, isSpam: Bool) throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Subject: s\n\(header)\n\nX-Spam: yes\n", in: dir)
        let outcome = testDeliverer().deliver(
            localDelivery(.maildir, target: dir.path + "/Maildir", junk: true), body: message.body)
        #expect(outcome == .delivered("Delivered"))
        #expect(dir.files(in: "Maildir/.Junk/new").count == (isSpam ? 1 : 0))
        #expect(dir.files(in: "Maildir/new").count == (isSpam ? 0 : 1))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/Maildir/.Junk/cur"))
    }

    @Test("without junk, spam is not filed apart")
    func noJunkOption() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("X-Spam: yes\n\nbody\n", in: dir)
        _ = testDeliverer().deliver(localDelivery(.maildir, target: dir.path + "/Maildir"), body: message.body)
        #expect(dir.files(in: "Maildir/new").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/Maildir/.Junk"))
    }

    @Test("a sub-address goes into an existing .tag folder, and never creates one")
    func subaddressFolder() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        let maildir = dir.path + "/Maildir"
        _ = testDeliverer().deliver(localDelivery(.maildir, target: maildir, subaddress: "news"), body: message.body)
        #expect(dir.files(in: "Maildir/new").count == 1)
        #expect(!FileManager.default.fileExists(atPath: maildir + "/.news"))
        try FileManager.default.createDirectory(atPath: maildir + "/.news", withIntermediateDirectories: false)
        _ = testDeliverer().deliver(localDelivery(.maildir, target: maildir, subaddress: "news"), body: message.body)
        #expect(dir.files(in: "Maildir/.news/new").count == 1)
    }

    @Test("a message that already went through this address is a loop")
    func loop() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Delivered-To: BOB@example.net\nSubject: x\n\nbody\n", in: dir)
        let outcome = testDeliverer().deliver(localDelivery(.maildir, target: dir.path + "/M"), body: message.body)
        #expect(outcome == .permanentFailure("Loop detected"))
        #expect(dir.files(in: "M/new").isEmpty)
    }

    @Test("a full disk is a temporary failure and leaves nothing behind")
    func diskFull() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        var fileSystem = QueueFileSystem()
        fileSystem.write = { _, _ in (-1, ENOSPC) }
        let outcome = testDeliverer(fileSystem: fileSystem).deliver(
            localDelivery(.maildir, target: dir.path + "/Maildir"), body: message.body)
        guard case .temporaryFailure(let text) = outcome else {
            Issue.record("expected a temporary failure, got \(outcome)")
            return
        }
        #expect(text.contains("Disk full"))
        #expect(dir.files(in: "Maildir/tmp").isEmpty)
        #expect(dir.files(in: "Maildir/new").isEmpty)
    }

    @Test("a relative maildir path is refused for good")
    func relativePath() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        let outcome = testDeliverer().deliver(localDelivery(.maildir, target: "Maildir"), body: message.body)
        #expect(outcome == .permanentFailure("maildir path is not absolute: Maildir"))
    }

    @Test("a user the system does not know is a permanent failure with a clear text")
    func unknownUser() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        let outcome = testDeliverer().deliver(
            localDelivery(.maildir, target: dir.path + "/M", user: "no-such-user-tern"), body: message.body)
        #expect(outcome == .permanentFailure("user 'no-such-user-tern' does not exist on this system"))
        var delivery = localDelivery(.maildir, target: dir.path + "/M")
        delivery.deliveryUser = "_no_such_vmail"
        #expect(
            testDeliverer().deliver(delivery, body: message.body)
                == .permanentFailure("delivery user '_no_such_vmail' does not exist"))
    }

    @Test("a daemon running as root never writes a maildir itself, as OpenSMTPD's mail.maildir")
    func refusesRoot() {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody(body, in: dir)
        let outcome = LocalDeliverer().deliver(localDelivery(.maildir, target: dir.path + "/M"), body: message.body)
        if geteuid() == 0 {
            #expect(outcome == .permanentFailure("MDA not allowed to deliver to: root"))
        } else {
            #expect(outcome == .delivered("Delivered"))
        }
    }
}
