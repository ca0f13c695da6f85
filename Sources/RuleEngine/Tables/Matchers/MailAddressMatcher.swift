/// OpenSMTPD's mail address matcher (`table_mailaddr_match`, `mailaddr_match`), used by the `mailaddr`
/// service: `mail-from`, `rcpt-to`, `auth` names with an `@`, and `senders` lists.
///
/// Both sides are split at their last `@` (`text_to_mailaddr`). Then, for a table entry:
/// - `@` (no user, no domain) matches everything;
/// - a domain is compared with the domain matcher (`*` wildcards);
/// - a user is compared without case; when the entry's user has no sub-address delimiter, the candidate's
///   `+tag` is removed first, so `batman` matches `batman+news` but `batman+news` does not match `batman`.
///
/// A side that does not split (a user or domain of 256 bytes or more, or 2048 bytes in all) never matches.
///
/// - SeeAlso: smtpd-conf.md §5.
enum MailAddressMatcher {
    /// Whether `address` (from the session) matches `pattern` (from the table).
    /// - Parameter delimiter: `smtp sub-addr-delim`, `+` unless configured.
    static func matches(
        _ address: UnsafeRawBufferPointer,
        pattern: UnsafeRawBufferPointer,
        delimiter: UInt8
    ) -> Bool {
        guard let candidate = MailAddressParts(address), let entry = MailAddressParts(pattern) else { return false }
        if entry.user.isEmpty && entry.domain.isEmpty { return true }
        if !entry.domain.isEmpty && !DomainMatcher.matches(candidate.domain, pattern: entry.domain) { return false }
        if !entry.user.isEmpty {
            var user = candidate.user
            if !entry.user.contains(delimiter), let cut = user.firstIndex(of: delimiter) {
                user = UnsafeRawBufferPointer(rebasing: user[..<cut])
            }
            guard user.count == entry.user.count,
                zip(user, entry.user).allSatisfy({ TableLookupKey.fold($0) == TableLookupKey.fold($1) })
            else { return false }
        }
        return true
    }
}

/// An address split as `text_to_mailaddr` splits it, as views into the original bytes.
struct MailAddressParts {
    /// `SMTPD_MAXLOCALPARTSIZE` and `SMTPD_MAXDOMAINPARTSIZE` are 256 with the NUL.
    static let longestPart = 255
    /// The whole text is first copied into a `LINE_MAX` (2048) buffer.
    static let longestText = 2047

    var user: UnsafeRawBufferPointer
    var domain: UnsafeRawBufferPointer

    init?(_ text: UnsafeRawBufferPointer) {
        guard text.count <= Self.longestText else { return nil }
        if let at = text.lastIndex(of: UInt8(ascii: "@")) {
            user = UnsafeRawBufferPointer(rebasing: text[..<at])
            domain = UnsafeRawBufferPointer(rebasing: text[(at + 1)...])
        } else {
            user = text
            domain = UnsafeRawBufferPointer(rebasing: text[text.endIndex...])
        }
        guard user.count <= Self.longestPart, domain.count <= Self.longestPart else { return nil }
    }
}
