import Foundation
import PeerSupport
import Testing

/// contrib/setup-debian.sh gives the tutorial's tables their permissions and creates the users Tern needs.
@Suite("contrib/setup-debian.sh", .ownQueue, .enabled(if: ExternalTool.isRoot))
struct SetupScriptTests {
    @Test func tablesBecomeRootMaildaemons0640AndUsersExist() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let passwd = folder.appendingPathComponent("passwd").path
        FileManager.default.createFile(atPath: passwd, contents: Data("batman@athome.tld:$2b$10$x\n".utf8),
            attributes: [.posixPermissions: 0o644])
        let script = TernBinaries.packageRoot.appendingPathComponent("contrib/setup-debian.sh").path
        for _ in 0..<2 {  // idempotent
            let result = try ProcessRunner.run("/bin/sh", [script], environment: ["TERN_TABLES": passwd])
            #expect(result.status == 0, "\(result.output)\(result.error)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: passwd)
        #expect(attributes[.ownerAccountName] as? String == "root")
        #expect(attributes[.groupOwnerAccountName] as? String == "_maildaemons")
        #expect(attributes[.posixPermissions] as? Int == 0o640)
        let groups = try ProcessRunner.run("/usr/bin/id", ["-Gn", "_tern"]).output
        #expect(groups.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.contains("_maildaemons"))
        #expect(try ProcessRunner.run("/usr/bin/id", ["-u", "_vmail"]).status == 0)
        let spool = try FileManager.default.attributesOfItem(atPath: "/var/spool/tern")
        #expect(spool[.ownerAccountName] as? String == "_tern" && spool[.posixPermissions] as? Int == 0o700)
    }
}
