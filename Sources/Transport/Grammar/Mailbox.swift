/// `local-part@domain` as it travels in MAIL FROM and RCPT TO.
///
/// The domain is optional because OpenSMTPD accepts `<postmaster>` and any other unqualified local user and
/// qualifies it with the server's name (`smtp_mailaddr()`); RFC 5321 §4.5.1 requires `<postmaster>` to work.
/// Case is kept as sent: local parts are case-sensitive (RFC 5321 §2.4) and the rule engine decides how to
/// compare.
public struct Mailbox: Hashable, Sendable, CustomStringConvertible {
    public var localPart: String
    /// Nil for an unqualified address; see ``qualified(with:)``.
    public var domain: String?

    public init(localPart: String, domain: String?) {
        self.localPart = localPart
        self.domain = domain
    }

    /// True when both parts are ASCII; a non-ASCII mailbox needs SMTPUTF8 (RFC 6531 §3.4).
    public var isASCII: Bool { localPart.utf8.allSatisfy { $0 < 0x80 } && (domain?.utf8.allSatisfy { $0 < 0x80 } ?? true) }

    /// `user@domain`, or `user` when unqualified.
    public var description: String { domain.map { "\(localPart)@\($0)" } ?? localPart }

    /// The mailbox with `domain` filled in when it had none, as OpenSMTPD does with its `smtpname`.
    public func qualified(with defaultDomain: String) -> Mailbox {
        Mailbox(localPart: localPart, domain: domain ?? defaultDomain)
    }
}
