/// The day stamp of an SRS0 address: days since the epoch modulo 1024, written as two base32 letters
/// (`TT` in `SRS0=HHHH=TT=domain=user@forwarder`), as OpenSMTPD's srs.c writes and checks it.
struct SRSTimestamp: Sendable, Hashable {
    /// RFC 4648 base32, upper case only: OpenSMTPD looks the letters up as they are, so `aa` is not a stamp.
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    /// The stamp wraps after 1024 days.
    static let period = 1024

    /// 0 ..< 1024.
    let day: Int

    init(unixTime: Int64) {
        day = Int((unixTime / 86400) % Int64(Self.period))
    }

    /// The stamp written in the first two bytes of `text`; nil unless both are base32 letters.
    init?(_ text: some Collection<UInt8>) {
        guard text.count >= 2,
              let high = Self.alphabet.firstIndex(of: text[text.startIndex]),
              let low = Self.alphabet.firstIndex(of: text[text.index(after: text.startIndex)])
        else { return nil }
        day = high << 5 | low
    }

    var bytes: [UInt8] { [Self.alphabet[(day >> 5) & 0x1F], Self.alphabet[day & 0x1F]] }

    /// Whether an address stamped `self` is still good on day `today`: written at most `ttlDays` days ago, or
    /// one day ahead (a forwarder whose clock runs early), counting across the wrap at 1024 as srs.c's
    /// `timestamp_check_range` does.
    func isValid(today: SRSTimestamp, ttlDays: Int) -> Bool {
        let age = (today.day - day + Self.period) % Self.period
        return age <= ttlDays || age == Self.period - 1
    }
}
