/// A mail address split at its last `@`, kept exactly as written: OpenSMTPD never folds the case of an envelope
/// address. Lookups fold it instead (table keys, alias and virtual keys, user names), which is why both spellings
/// travel: `Batman@AtHome.TLD` is delivered under `%{dest.user}` = `Batman`.
///
/// Both parts are empty for the null path `<>`. A part may be empty on its own: `postmaster` has no domain.
///
/// - SeeAlso: `struct mailaddr`, `text_to_mailaddr` and `mailaddr_to_text` in OpenSMTPD's to.c.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var domain: String

    public init(user: String, domain: String) {
        self.user = user
        self.domain = domain
    }

    /// The null reverse path `<>`, which bounces use.
    public static let null = MailAddress(user: "", domain: "")

    /// `text_to_mailaddr`: splits at the **last** `@`, with no checking. `user` has no domain, `@dom` no user.
    public init(text: String) {
        if let at = text.lastIndex(of: "@") {
            user = String(text[..<at])
            domain = String(text[text.index(after: at)...])
        } else {
            user = text
            domain = ""
        }
    }

    public var isNull: Bool { user.isEmpty && domain.isEmpty }

    /// `mailaddr_to_text`: always `user@domain`, so the null path is `@`. This is the key that `mail-from` and
    /// `rcpt-to` criteria look up.
    public var text: String { user + "@" + domain }

    /// The address as OpenSMTPD prints it inside replies (`550 Invalid recipient: <…>`): `user@domain`, just
    /// `user` when there is no domain, and nothing when there is no user.
    public var replyText: String {
        if user.isEmpty { return "" }
        return domain.isEmpty ? user : user + "@" + domain
    }

    public var description: String { replyText }

    /// Both parts in ASCII lower case, as alias and virtual lookups fold them.
    public var lowercased: MailAddress { MailAddress(user: user.asciiLowercased, domain: domain.asciiLowercased) }

    /// The sub-address: what follows the first `delimiter` in the user part (`news` in `batman+news`), or nil.
    public func subaddress(delimiter: Character) -> String? {
        guard let cut = user.firstIndex(of: delimiter) else { return nil }
        return String(user[user.index(after: cut)...])
    }

    /// The address without its sub-address (`batman+news@x` → `batman@x`).
    public func strippingSubaddress(delimiter: Character) -> MailAddress {
        guard let cut = user.firstIndex(of: delimiter) else { return self }
        return MailAddress(user: String(user[..<cut]), domain: domain)
    }

    /// The two parts as the format expander takes them.
    public var formatAddress: FormatContext.Address { .init(user: user, domain: domain) }
}
