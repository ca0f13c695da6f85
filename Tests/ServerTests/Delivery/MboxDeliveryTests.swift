import Foundation
import PeerSupport
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

@Suite("mbox delivery", .ownQueue)
struct MboxDeliveryTests {
    /// Reads an mbox with Python's mailbox module: one JSON object per message.
    func readWithPython(_ path: String) throws -> [[String: String]] {
        let script = """
            import json, mailbox, sys
            out = []
            for m in mailbox.mbox(sys.argv[1]):
                out.append({"from": m.get_from(), "subject": m["Subject"] or "",
                            "returnPath": m["Return-Path"] or "", "body": m.get_payload()})
            print(json.dumps(out))
            """
        let output = try runPython(script, arguments: [path])
        return try JSONDecoder().decode([[String: String]].self, from: Data(output.utf8))
    }

    @Test("messages are appended as mail.local writes them, and Python's mailbox reads them back")
    func appendsReadableMessages() throws {
        let dir = TemporaryMailDirectory()
        let mailbox = dir.path + "/bob"
        let first = TestMessageBody("Subject: one\n\nFrom here on\nline\n>From stays\n", in: dir)
        let second = TestMessageBody("Subject: two\n\nno final newline", in: dir)
        #expect(testDeliverer().deliver(localDelivery(.mbox, target: mailbox), body: first.body) == .delivered("Delivered"))
        #expect(
            testDeliverer().deliver(localDelivery(.mbox, target: mailbox, sender: ""), body: second.body)
                == .delivered("Delivered"))

        let messages = try readWithPython(mailbox)
        try #require(messages.count == 2)
        #expect(messages[0]["subject"] == "one")
        #expect(messages[0]["returnPath"] == "<alice@example.org>")
        #expect(messages[0]["body"] == ">From here on\nline\n>From stays\n")
        #expect(messages[0]["from"]?.hasPrefix("alice@example.org ") == true)
        #expect(messages[1]["from"]?.hasPrefix("MAILER-DAEMON ") == true)
        #expect(messages[1]["body"] == "no final newline\n")

        let raw = String(decoding: dir.contents(of: "bob"), as: UTF8.self)
        #expect(raw.hasPrefix("From alice@example.org "))
        #expect(raw.hasSuffix("\n\nno final newline\n\n"))
        #expect(!FileManager.default.fileExists(atPath: mailbox + ".lock"))
        var info = stat()
        #expect(stat(mailbox, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_uid == geteuid())
    }

    @Test("the From_ line carries the sender and a ctime date")
    func fromLine() {
        let line = String(decoding: MboxFormat.fromLine(sender: "a@b.c", date: 0), as: UTF8.self)
        #expect(line.wholeMatch(of: #/From a@b\.c (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/#) != nil)
    }

    @Test("a delivery waits for a concurrent writer that holds the locks, and lands after its message")
    func waitsForConcurrentWriter() throws {
        let dir = TemporaryMailDirectory()
        let mailbox = dir.path + "/bob"
        // Python's mailbox.lock() takes the dotlock and an fcntl lock; it holds them for a second.
        let script = """
            import mailbox, sys, time
            mb = mailbox.mbox(sys.argv[1])
            mb.lock()
            print("locked", flush=True)
            time.sleep(1)
            mb.add("Subject: python\\n\\nfirst\\n")
            mb.flush()
            mb.unlock()
            """
        let python = try PythonProcess(script, arguments: [mailbox])
        #expect(python.readLine() == "locked")
        #expect(FileManager.default.fileExists(atPath: mailbox + ".lock"))
        let message = TestMessageBody("Subject: tern\n\nsecond\n", in: dir)
        let started = Date()
        let outcome = testDeliverer().deliver(localDelivery(.mbox, target: mailbox), body: message.body)
        #expect(outcome == .delivered("Delivered"))
        #expect(Date().timeIntervalSince(started) > 0.5)
        #expect(python.wait() == 0)
        let subjects = try readWithPython(mailbox).map { $0["subject"] }
        #expect(subjects == ["python", "tern"])
    }

    @Test("a lock held too long is a temporary failure that writes nothing")
    func lockTimeout() throws {
        let dir = TemporaryMailDirectory()
        let mailbox = dir.path + "/bob"
        FileManager.default.createFile(atPath: mailbox + ".lock", contents: Data("\(getpid())\n".utf8))
        var deliverer = testDeliverer()
        deliverer.mbox.lockTimeout = 0.3
        let message = TestMessageBody("Subject: x\n\nbody\n", in: dir)
        let outcome = deliverer.deliver(localDelivery(.mbox, target: mailbox), body: message.body)
        #expect(outcome == .temporaryFailure("mailbox is locked: \(mailbox).lock"))
        #expect(!FileManager.default.fileExists(atPath: mailbox))
        #expect(FileManager.default.fileExists(atPath: mailbox + ".lock"), "someone else's live lock stays")
    }

    @Test("a stale lock (dead pid, or older than five minutes) is removed", arguments: [true, false])
    func staleLock(deadPid: Bool) throws {
        let dir = TemporaryMailDirectory()
        let mailbox = dir.path + "/bob"
        let lock = mailbox + ".lock"
        if deadPid {
            FileManager.default.createFile(atPath: lock, contents: Data("\(Int32.max - 7)\n".utf8))
        } else {
            FileManager.default.createFile(atPath: lock, contents: Data())
            var times = [timespec(tv_sec: time(nil) - 600, tv_nsec: 0), timespec(tv_sec: time(nil) - 600, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, lock, &times, 0) == 0)
        }
        var deliverer = testDeliverer()
        deliverer.mbox.lockTimeout = 2
        let message = TestMessageBody("Subject: x\n\nbody\n", in: dir)
        #expect(deliverer.deliver(localDelivery(.mbox, target: mailbox), body: message.body) == .delivered("Delivered"))
        #expect(!FileManager.default.fileExists(atPath: lock))
    }

    @Test("a write that fails half-way is cut off again: the mailbox keeps its old size")
    func truncatesOnFailure() throws {
        let dir = TemporaryMailDirectory()
        let mailbox = dir.path + "/bob"
        let first = TestMessageBody("Subject: one\n\nbody\n", in: dir)
        _ = testDeliverer().deliver(localDelivery(.mbox, target: mailbox), body: first.body)
        let before = dir.contents(of: "bob")
        var fileSystem = QueueFileSystem()
        let writes = Locked(0)
        // The first write goes through partly, the second finds the disk full.
        fileSystem.write = { fd, bytes in
            let call = writes.withLock { count in
                count += 1
                return count
            }
            if call > 1 { return (-1, EDQUOT) }
            return (Glibc.write(fd, bytes.baseAddress, bytes.count / 2), 0)
        }
        let second = TestMessageBody("Subject: two\n\n" + String(repeating: "x", count: 10000) + "\n", in: dir)
        let outcome = testDeliverer(fileSystem: fileSystem).deliver(
            localDelivery(.mbox, target: mailbox), body: second.body)
        guard case .temporaryFailure = outcome else {
            Issue.record("expected a temporary failure, got \(outcome)")
            return
        }
        #expect(dir.contents(of: "bob") == before)
        #expect(!FileManager.default.fileExists(atPath: mailbox + ".lock"))
    }

    @Test("a mailbox that is a symlink is not written through")
    func refusesSymlink() throws {
        let dir = TemporaryMailDirectory()
        FileManager.default.createFile(atPath: dir.path + "/elsewhere", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/bob", withDestinationPath: dir.path + "/elsewhere")
        let message = TestMessageBody("Subject: x\n\nbody\n", in: dir)
        let outcome = testDeliverer().deliver(localDelivery(.mbox, target: dir.path + "/bob"), body: message.body)
        #expect(outcome == .temporaryFailure("\(dir.path)/bob: linked or special file"))
        #expect(dir.contents(of: "elsewhere").isEmpty)
    }

    @Test("an alias /path entry is appended in mbox form without a dotlock")
    func fileMethod() throws {
        let dir = TemporaryMailDirectory()
        let message = TestMessageBody("Subject: archived\n\nbody\n", in: dir)
        // A live lock would block an mbox delivery; a file delivery does not look at it.
        FileManager.default.createFile(atPath: dir.path + "/archive.lock", contents: Data("\(getpid())\n".utf8))
        let outcome = testDeliverer().deliver(localDelivery(.file, target: dir.path + "/archive"), body: message.body)
        #expect(outcome == .delivered("Delivered"))
        #expect(try readWithPython(dir.path + "/archive").map { $0["subject"] } == ["archived"])
    }
}

/// Runs a Python script to its end and returns what it printed.
func runPython(_ script: String, arguments: [String]) throws -> String {
    let python = try PythonProcess(script, arguments: arguments)
    let output = python.readAll()
    let status = python.wait()
    guard status == 0 else { throw PythonFailure(status: status, output: output) }
    return output
}

struct PythonFailure: Error {
    var status: Int32
    var output: String
}

/// python3 running a script, its standard output readable line by line.
final class PythonProcess {
    private let process = Process()
    private let output = Pipe()

    init(_ script: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        process.standardOutput = output
        try process.run()
    }

    func readLine() -> String {
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
            line.append(first)
        }
        return String(decoding: line, as: UTF8.self)
    }

    func readAll() -> String {
        String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
