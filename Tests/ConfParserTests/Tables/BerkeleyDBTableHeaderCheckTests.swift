import Testing

@testable import ConfParser

/// The header check that keeps libdb from printing for the usual wrong files; the expected lines are what
/// Debian's smtpd 6.8.0p2 printed for the same files (probed).
@Suite("Berkeley DB table header check")
struct BerkeleyDBTableHeaderCheckTests {
    private func header(
        size: Int,
        magic: UInt32 = 0,
        encryption: UInt8 = 0,
        metaFlags: UInt8 = 0
    ) -> ArraySlice<UInt8> {
        var bytes = [UInt8](repeating: 0, count: size)
        if size >= 16 { withUnsafeBytes(of: magic.littleEndian) { bytes.replaceSubrange(12..<16, with: $0) } }
        if size > 26 {
            bytes[24] = encryption
            bytes[26] = metaFlags
        }
        return bytes[...]
    }

    @Test("shorter than the 512-byte metadata page", arguments: [0, 1, 100, 511])
    func tooShort(size: Int) {
        #expect(
            BerkeleyDBHeaderCheck.verdict(header: header(size: size), path: "/x.db")
                == .rejected(
                    logLines: ["BDB0004 fop_read_meta: /x.db: unexpected file type or format"],
                    reason: "it is too short to be a Berkeley DB file (\(size) bytes)"
                ))
    }

    @Test("a metadata page without the hash magic", arguments: [0, 0x0005_3162 /* btree */, 0x1234_5678])
    func wrongMagic(magic: UInt32) {
        let verdict = BerkeleyDBHeaderCheck.verdict(header: header(size: 4096, magic: magic), path: "/x.db")
        guard case .rejected(let lines, _) = verdict else {
            Issue.record("accepted")
            return
        }
        #expect(lines == ["BDB0641 __db_meta_setup: /x.db: unexpected file type or format"])
    }

    @Test("hash magic in either byte order goes to libdb", arguments: [UInt32(0x0006_1561), 0x6115_0600])
    func hashMagic(magic: UInt32) {
        #expect(BerkeleyDBHeaderCheck.verdict(header: header(size: 512, magic: magic), path: "/x.db") == .plausible)
    }

    @Test("encrypted or checksummed pages are left to libdb, whose messages differ")
    func leftToLibdb() {
        #expect(BerkeleyDBHeaderCheck.verdict(header: header(size: 512, encryption: 1), path: "/x.db") == .plausible)
        #expect(BerkeleyDBHeaderCheck.verdict(header: header(size: 512, metaFlags: 1), path: "/x.db") == .plausible)
        // Other meta flags do not matter.
        #expect(BerkeleyDBHeaderCheck.verdict(header: header(size: 512, metaFlags: 2), path: "/x.db") != .plausible)
    }

    @Test("a missing file is silent")
    func missing() {
        let verdict = BerkeleyDBHeaderCheck.check(path: "/nonexistent/x.db")
        #expect(verdict == .missing(errorText: "No such file or directory"))
    }
}
