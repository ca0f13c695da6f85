import Foundation
import PeerSupport
import Testing

@testable import ConfParser

/// Large tables (virtual user maps) must load quickly: `smtpd -n` reads them at parse time.
@Suite("Table file performance", .ownQueue)
struct StaticTablePerformanceTests {
    #if DEBUG
    /// Debug builds are several times slower; keep the suite quick there.
    static let lineCount = 200_000
    static let timeLimit = Duration.seconds(15)
    #else
    static let lineCount = 1_000_000
    static let timeLimit = Duration.seconds(3)  // about 0.13 s on an idle machine
    #endif

    @Test("a large `user@domain value` file loads from disk, correctly and in reasonable time")
    func largeFile() throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.lineCount * 45)
        for index in 0..<Self.lineCount {
            bytes.append(contentsOf: "User\(index)@Domain\(index % 1000).example  mailbox\(index)\n".utf8)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tern-big-table-\(getpid())")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let start = ContinuousClock.now
        let result = try StaticTableFile.load(path: url.path)
        let elapsed = ContinuousClock.now - start

        #expect(result.contents.kind == .hash)
        #expect(result.contents.count == Self.lineCount)
        let last = Self.lineCount - 1
        #expect(result.contents.entries["user\(last)@domain\(last % 1000).example"] == .some("mailbox\(last)"))
        #expect(result.warnings.isEmpty)
        #expect(elapsed < Self.timeLimit, "took \(elapsed)")
    }
}
