/// Turns an SRS address back into the address it stands for (`srs_decode`). The rule engine only decides when
/// to ask; the checksum and key live with the server, which has the hashing.
public protocol SRSDecoding: Sendable {
    /// The original address, or nil when `recipient` is not a valid SRS address (bad checksum, old stamp).
    func decode(_ recipient: MailAddress) -> MailAddress?
}

extension MailAddress {
    /// Whether the user part starts with `SRS0=` or `SRS1=`, in any case: the addresses `srs_decode` is asked
    /// about.
    public var looksLikeSRS: Bool {
        let prefix = ASCII.text(user.utf8.prefix(5)).asciiLowercased
        return prefix == "srs0=" || prefix == "srs1="
    }
}
