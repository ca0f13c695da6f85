import Foundation
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder for one test's mail, removed when the test ends.
final class TemporaryMailDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "tern-delivery-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func files(in sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + sub)) ?? []).sorted()
    }

    func contents(of sub: String) -> [UInt8] {
        (try? Array(Data(contentsOf: URL(fileURLWithPath: path + "/" + sub)))) ?? []
    }
}

/// A queued body on disk, opened read-only like the queue hands it to an agent.
final class TestMessageBody {
    let body: MessageBody
    private let file: String

    init(_ text: String, in directory: TemporaryMailDirectory) {
        file = directory.path + "/message-" + UUID().uuidString
        FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        body = MessageBody(messageID: MessageID(rawValue: 0x1234_5678)!, descriptor: fd, size: text.utf8.count)
    }

    deinit {
        close(body.descriptor)
        unlink(file)
    }
}

/// The name of the user the tests run as (root on CI).
func currentUserName() -> String { SystemAccount.current().name }

func localDelivery(
    _ method: LocalDelivery.Method, target: String, junk: Bool = false, user: String = currentUserName(),
    home: String? = nil, subaddress: String? = nil, sender: String = "alice@example.org",
    rcpt: String = "bob+news@example.net", dest: String = "bob@example.net"
) -> LocalDelivery {
    LocalDelivery(
        method: method, target: target, junk: junk, user: user, home: home, subaddress: subaddress,
        sender: sender, rcpt: rcpt, dest: dest, envelopeID: "1234567800000001")
}

/// A deliverer that, when the tests run as root, still writes files and runs commands (the daemon never does:
/// as root it hands deliveries to workers).
func testDeliverer(fileSystem: QueueFileSystem = QueueFileSystem()) -> LocalDeliverer {
    var deliverer = LocalDeliverer(fileSystem: fileSystem)
    deliverer.refusesRootDeliveries = false
    return deliverer
}
