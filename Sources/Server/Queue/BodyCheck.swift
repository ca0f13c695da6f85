import Crypto

/// The size and SHA-256 of a message's body, recorded in each of its envelopes at commit.
///
/// A commit publishes the message (the rename into queue/) before its files are known to be on the disk and
/// fsyncs everything in one round (see FSQueue+GroupCommit.swift), so a machine that stops during that
/// round can come back with a message in queue/ whose body was never fully written. Nobody was told 250 for
/// it; this check is how start-up tells such a body from a whole one.
public struct BodyCheck: Sendable, Hashable {
    public var size: Int64
    /// 64 lowercase hex digits.
    public var sha256: String

    public init(size: Int64, sha256: String) {
        self.size = size
        self.sha256 = sha256
    }

    /// Whether `text` is a SHA-256 as the envelope file stores it.
    static func isDigestText(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Accumulates a body's check as its bytes arrive.
/// Not Sendable (the hasher is a BoringSSL context): it lives inside `IncomingMessage`'s lock.
struct BodyCheckAccumulator {
    private var hasher = SHA256()
    private var size: Int64 = 0

    mutating func add(_ bytes: ArraySlice<UInt8>) {
        hasher.update(data: bytes)
        size += Int64(bytes.count)
    }

    func finish() -> BodyCheck {
        BodyCheck(size: size, sha256: hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined())
    }
}
