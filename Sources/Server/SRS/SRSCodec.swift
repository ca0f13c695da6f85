public import ConfParser

/// The Sender Rewriting Scheme as OpenSMTPD 7.x writes and reads it (srs.c), byte for byte, so that a bounce to
/// an address OpenSMTPD wrote is accepted by Tern with the same key, and the other way round.
///
/// - `SRS0=HHHH=TT=domain=user@forwarder` rewrites `user@domain`; `HHHH` is `SRSHash` over `TT=domain=user@forwarder`,
///   `TT` the `SRSTimestamp`.
/// - A sender that is already `SRS0=HHHH=…@hop` becomes `SRS1=GGGG=hop==HHHH=…@forwarder` (GGGG over
///   `hop==HHHH=…@forwarder`); an `SRS1=` sender keeps its first hop and only gets a new checksum and domain.
/// - Decoding checks the checksum under the key, then the backup key, case-sensitively, and the day stamp against
///   `ttlDays`; an `SRS1` address decodes to the `SRS0` address of the first hop (its stamp is checked too, its
///   checksum cannot be).
/// Nothing is folded to lower case: the checksum covers the forwarder's domain exactly as it was written.
public struct SRSCodec: Sendable, Hashable {
    /// `srs key`.
    public var key: String
    /// `srs key backup`: still accepted when decoding, never used to encode (key rotation).
    public var backupKey: String?
    /// `srs ttl`, in whole days: how old a day stamp may be.
    public var ttlDays: Int

    public init(key: String, backupKey: String? = nil, ttlDays: Int = GlobalOptions.Defaults.srsTTLDays) {
        self.key = key
        self.backupKey = backupKey
        self.ttlDays = ttlDays
    }

    /// The configuration's `srs key`, `srs key backup` and `srs ttl`; nil without `srs key`.
    public init?(options: GlobalOptions) {
        guard let key = options.srsKey else { return nil }
        self.init(key: key, backupKey: options.srsBackupKey,
            ttlDays: options.srsTTL.map { $0.seconds / 86400 } ?? GlobalOptions.Defaults.srsTTLDays)
    }

    /// `srs_encode`: the sender to give in MAIL FROM when mail from `sender` is forwarded by `domain` (the
    /// domain of the recipient it was sent to). A sender that cannot be rewritten within the 255 bytes of an
    /// address is returned unchanged, as OpenSMTPD does.
    public func encode(sender: String, forwarderDomain domain: String, now: Int64) -> String {
        let sender = Array(sender.utf8)
        let domain = Array(domain.utf8)
        let encoded: [UInt8]?
        if Bytes.hasPrefix(sender, "SRS0=") {
            encoded = srs1(wrapping: sender.dropFirst(5), domain)
        } else if Bytes.hasPrefix(sender, "SRS1=") {
            encoded = srs1(rewrapping: sender.dropFirst(5), domain)
        } else {
            encoded = srs0(sender[...], domain, SRSTimestamp(unixTime: now))
        }
        return encoded.map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: sender, as: UTF8.self)
    }

    /// `srs_decode`: the address an `SRS0=`/`SRS1=` recipient stands for, or nil when it is not one, its
    /// checksum is wrong under both keys, or its day stamp is out of range.
    public func decode(_ recipient: String, now: Int64) -> String? {
        let recipient = Array(recipient.utf8)
        let today = SRSTimestamp(unixTime: now)
        let decoded: [UInt8]?
        if Bytes.hasPrefix(recipient, "SRS0=") {
            decoded = decodeSRS0(recipient.dropFirst(5), today)
        } else if Bytes.hasPrefix(recipient, "SRS1=") {
            decoded = decodeSRS1(recipient.dropFirst(5), today)
        } else {
            decoded = nil
        }
        return decoded.map { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: - Encoding

    /// `TT=domain=user@forwarder`.
    private func srs0(_ sender: ArraySlice<UInt8>, _ domain: [UInt8], _ stamp: SRSTimestamp) -> [UInt8]? {
        guard let address = Bytes.MailAddress(sender) else { return nil }
        return signed("SRS0", stamp.bytes + [Bytes.equals] + address.domain + [Bytes.equals] + address.user
            + [Bytes.at] + domain)
    }

    /// `hop==HHHH=TT=domain=user@forwarder`, from `HHHH=TT=domain=user@hop`.
    private func srs1(wrapping srs0: ArraySlice<UInt8>, _ domain: [UInt8]) -> [UInt8]? {
        guard let address = Bytes.MailAddress(srs0) else { return nil }
        return signed("SRS1", Array(address.domain) + [Bytes.equals, Bytes.equals] + address.user + [Bytes.at] + domain)
    }

    /// `hop==…@forwarder`, from `GGGG=hop==…@previous`: the previous forwarder's checksum is dropped.
    private func srs1(rewrapping srs1: ArraySlice<UInt8>, _ domain: [UInt8]) -> [UInt8]? {
        guard let address = Bytes.MailAddress(srs1) else { return nil }
        let previous = Array(address.user) + [Bytes.at] + domain
        guard previous.count < Bytes.addressLimit, previous.count >= 5, Bytes.separators.contains(previous[4])
        else { return nil }
        return signed("SRS1", Array(previous.dropFirst(5)))
    }

    /// `TAG=HHHH=hashed`, if it fits in an address.
    private func signed(_ tag: String, _ hashed: [UInt8]) -> [UInt8]? {
        guard hashed.count < Bytes.addressLimit else { return nil }
        let address = Array(tag.utf8) + [Bytes.equals] + SRSHash.checksum(key: Array(key.utf8), text: hashed)
            + [Bytes.equals] + hashed
        return address.count < Bytes.addressLimit ? address : nil
    }

    // MARK: - Decoding

    /// What follows `HHHH=` when `HHHH` is its checksum under the key or the backup key. The byte after the
    /// checksum is skipped without looking at it, as srs.c does.
    private func verified(_ signed: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard signed.count >= SRSHash.length + 1 else { return nil }
        let given = Array(signed.prefix(SRSHash.length))
        let hashed = signed.dropFirst(SRSHash.length + 1)
        for key in [key] + (backupKey.map { [$0] } ?? []) {
            if SRSHash.checksum(key: Array(key.utf8), text: hashed) == given { return hashed }
        }
        return nil
    }

    /// `HHHH=TT=domain=user@forwarder` → `user@domain`.
    private func decodeSRS0(_ signed: ArraySlice<UInt8>, _ today: SRSTimestamp) -> [UInt8]? {
        guard let hashed = verified(signed), hashed.count >= 3,
              let stamp = SRSTimestamp(hashed), stamp.isValid(today: today, ttlDays: ttlDays),
              let address = Bytes.MailAddress(hashed.dropFirst(3)),
              let separator = address.user.firstIndex(of: Bytes.equals)
        else { return nil }
        let decoded = address.user[(separator + 1)...] + [Bytes.at] + address.user[..<separator]
        return decoded.count < Bytes.addressLimit ? Array(decoded) : nil
    }

    /// `GGGG=hop==HHHH=TT=domain=user@forwarder` → `SRS0=HHHH=TT=domain=user@hop`.
    private func decodeSRS1(_ signed: ArraySlice<UInt8>, _ today: SRSTimestamp) -> [UInt8]? {
        guard let hashed = verified(signed), let address = Bytes.MailAddress(hashed),
              let separator = address.user.firstIndex(of: Bytes.equals)
        else { return nil }
        let inner = address.user[(separator + 1)...]
        let decoded = Array("SRS0".utf8) + inner + [Bytes.at] + address.user[..<separator]
        guard decoded.count < Bytes.addressLimit, inner.count >= 6 else { return nil }
        let stamped = inner.dropFirst(6)
        guard stamped.count >= 3, Bytes.separators.contains(stamped[stamped.startIndex + 2]),
              let stamp = SRSTimestamp(stamped), stamp.isValid(today: today, ttlDays: ttlDays)
        else { return nil }
        return decoded
    }
}

/// Byte-level helpers: SRS works on the address bytes as srs.c does, whatever their encoding.
private enum Bytes {
    static let equals = UInt8(ascii: "=")
    static let at = UInt8(ascii: "@")
    /// What may follow an SRS checksum or day stamp.
    static let separators: Set<UInt8> = [equals, UInt8(ascii: "+"), UInt8(ascii: "-")]
    /// OpenSMTPD's `SMTPD_MAXMAILADDRSIZE` (and the size of each part of a `struct mailaddr`): a text must be
    /// shorter than this.
    static let addressLimit = 256

    static func hasPrefix(_ bytes: [UInt8], _ prefix: String) -> Bool {
        let prefix = Array(prefix.utf8)
        guard bytes.count >= prefix.count else { return false }
        return zip(bytes, prefix).allSatisfy { lowered($0) == lowered($1) }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// `text_to_mailaddr`: split at the last `@`; a part of 256 bytes or more does not fit.
    struct MailAddress {
        var user: ArraySlice<UInt8>
        var domain: ArraySlice<UInt8>

        init?(_ text: ArraySlice<UInt8>) {
            if let at = text.lastIndex(of: Bytes.at) {
                user = text[..<at]
                domain = text[(at + 1)...]
            } else {
                user = text
                domain = []
            }
            guard user.count < Bytes.addressLimit, domain.count < Bytes.addressLimit else { return nil }
        }
    }
}
