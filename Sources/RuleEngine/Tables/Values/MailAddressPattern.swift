/// A mail address as a table holds it for matching: `user@domain`, `user`, `@domain` or `@` (everything). The
/// entries of `mailaddr` tables and the elements of `mailaddrmap` values (`senders`) are read this way.
///
/// - SeeAlso: `MailAddressMatcher` for how it matches; `text_to_mailaddr` in OpenSMTPD's to.c.
public struct MailAddressPattern: Sendable, Hashable, CustomStringConvertible {
    /// Empty when the pattern has no user part.
    public var user: String
    /// Empty when the pattern has no domain part.
    public var domain: String

    public init(user: String, domain: String) {
        self.user = user
        self.domain = domain
    }

    /// Splits `text` at its last `@`; nil when a part is 256 bytes or longer, as `text_to_mailaddr` refuses.
    public init?(text: String) {
        var text = text
        guard
            let parts = text.withUTF8({ bytes -> (String, String)? in
                guard let parts = MailAddressParts(UnsafeRawBufferPointer(bytes)) else { return nil }
                return (String(decoding: parts.user, as: UTF8.self), String(decoding: parts.domain, as: UTF8.self))
            })
        else { return nil }
        self.init(user: parts.0, domain: parts.1)
    }

    /// `user@domain` as written (`@domain`, `user@`, `@`).
    public var description: String { user + "@" + domain }

    /// Whether `address` (`user@domain` text from the session, any case) matches, as `mailaddr_match` decides.
    /// - Parameter delimiter: The sub-address delimiter (`+` unless `smtp sub-addr-delim` says otherwise).
    public func matches(_ address: String, delimiter: UInt8 = UInt8(ascii: "+")) -> Bool {
        var address = address
        var pattern = description
        return address.withUTF8 { address in
            pattern.withUTF8 { pattern in
                MailAddressMatcher.matches(
                    UnsafeRawBufferPointer(address),
                    pattern: UnsafeRawBufferPointer(pattern),
                    delimiter: delimiter
                )
            }
        }
    }
}
