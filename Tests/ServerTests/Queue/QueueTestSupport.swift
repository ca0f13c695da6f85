import Foundation
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// A fresh queue folder under the system's temporary directory, removed when the test ends.
final class TemporaryQueueDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "tern-queue-" + UUID().uuidString
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func names(in sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + sub)) ?? []).sorted()
    }

    func write(_ text: String, to sub: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + sub))
    }

    func read(_ sub: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + sub).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ sub: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + sub) }

    /// The inode number of a file or directory, nil when it does not exist.
    func inode(_ sub: String) -> UInt64? {
        var info = stat()
        return lstat(path + "/" + sub, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}

func sampleEnvelope(_ rcpt: String = "bob@example.net") -> QueuedEnvelope {
    QueuedEnvelope(
        sender: "alice@example.org", rcpt: rcpt, dest: rcpt, action: "local_mail", method: "maildir",
        target: "/home/bob/Maildir", user: "bob", created: 1_764_000_000, expire: 1_764_345_600)
}

/// Receives and commits one message.
func commitMessage(
    _ queue: FSQueue, body: String = "Subject: hi\r\n\r\nhello\r\n", recipients: [String] = ["bob@example.net"]
) async throws -> CommittedMessage {
    let message = try await queue.beginMessage()
    try await queue.append(message, Array(body.utf8))
    return try await queue.commit(message, envelopes: recipients.map(sampleEnvelope))
}

/// A write function that reports ENOSPC once `full` is set, like a disk that fills up mid-message.
final class FillableDisk: @unchecked Sendable {
    private let lock = NSLock()
    private var isFull = false

    var full: Bool {
        get { lock.withLock { isFull } }
        set { lock.withLock { isFull = newValue } }
    }

    var fileSystem: QueueFileSystem {
        var fileSystem = QueueFileSystem()
        let real = fileSystem.write
        fileSystem.write = { [self] fd, bytes in full ? (-1, ENOSPC) : real(fd, bytes) }
        return fileSystem
    }
}
