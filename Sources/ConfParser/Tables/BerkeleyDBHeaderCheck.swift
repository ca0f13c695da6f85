#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Looks at a `db:` file before libdb does, so that the usual mistakes fail with libdb's exact words but
/// without libdb writing to stderr behind Tern's back.
///
/// OpenSMTPD 6.8 `stat`s the file (a failure is silent), then calls `dbopen`, and libdb 5.3 prints its own
/// complaints on stderr, which therefore appear in `smtpd -n` output (probed):
/// - a file shorter than the 512-byte metadata page: `BDB0004 fop_read_meta: PATH: unexpected file type or format`;
/// - a metadata page that is neither encrypted nor checksummed and lacks the hash magic (0x061561, either byte
///   order): `BDB0641 __db_meta_setup: PATH: unexpected file type or format` (text files, btree databases…);
/// - a directory: `BDB0134 read: 0x…, 512: Is a directory` (a stack address, so not reproducible) and
///   `PATH: Is a directory`; Tern keeps only the second line.
/// Anything else goes to libdb, which may still print, as it does under OpenSMTPD.
enum BerkeleyDBHeaderCheck {
    enum Verdict: Equatable {
        /// Worth handing to libdb.
        case plausible
        /// Not there: 6.8 fails silently.
        case missing(errorText: String)
        /// Not a hash database; `logLines` are what 6.8 prints.
        case rejected(logLines: [String], reason: String)
    }

    static let metadataSize = 512
    static let hashMagic: UInt32 = 0x0006_1561

    static func check(path: String) -> Verdict {
        var status = stat()
        guard stat(path, &status) == 0 else { return .missing(errorText: WholeFile.errorText(errno)) }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            return .rejected(logLines: ["\(path): Is a directory"], reason: "it is a directory")
        }

        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .plausible }  // Let libdb report it, as under OpenSMTPD.
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: metadataSize)
        var filled = 0
        while filled < metadataSize {
            let count = header.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, metadataSize - filled, off_t(filled))
            }
            if count > 0 {
                filled += count
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        return verdict(header: header[..<filled], path: path)
    }

    /// The verdict on the first bytes of a file (at most `metadataSize`).
    static func verdict(header: ArraySlice<UInt8>, path: String) -> Verdict {
        guard header.count >= metadataSize else {
            return .rejected(
                logLines: ["BDB0004 fop_read_meta: \(path): unexpected file type or format"],
                reason: "it is too short to be a Berkeley DB file (\(header.count) bytes)"
            )
        }
        let start = header.startIndex
        let encryptionAlgorithm = header[start + 24]
        let metaFlags = header[start + 26]
        let checksummed = metaFlags & 0x01 != 0
        guard encryptionAlgorithm == 0 && !checksummed else { return .plausible }

        let magic = header[(start + 12)..<(start + 16)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard magic != hashMagic && magic.byteSwapped != hashMagic else { return .plausible }
        return .rejected(
            logLines: ["BDB0641 __db_meta_setup: \(path): unexpected file type or format"],
            reason: "it is not a Berkeley DB hash file (makemap writes those)"
        )
    }
}
