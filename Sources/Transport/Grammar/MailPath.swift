/// A reverse-path or forward-path: `<>` or `<mailbox>` (RFC 5321 §4.1.2).
///
/// Parsing follows OpenSMTPD's `smtp_mailaddr()`: the path must start with `<` and ends at the first `>`; the
/// mailbox splits at its last `@`; a source route (`<@a,@b:user@d>`) is accepted and dropped (RFC 5321 §4.1.1.3
/// and appendix C ask servers to ignore it); parts are checked by ``AddressSyntax``. Unlike OpenSMTPD, Tern does not
/// turn `<user@>` into a local address nor drop text before a `:` that is not a source route: both are
/// syntax errors in RFC 5321 and no client sends them.
public enum MailPath: Hashable, Sendable, CustomStringConvertible {
    /// `<>`, the null reverse-path of bounces (RFC 5321 §4.5.5). Never valid as a recipient.
    case null
    case mailbox(Mailbox)

    public var mailbox: Mailbox? {
        if case .mailbox(let mailbox) = self { return mailbox }
        return nil
    }

    public var isASCII: Bool { mailbox?.isASCII ?? true }

    /// The wire form with angle brackets.
    public var description: String { "<\(mailbox?.description ?? "")>" }

    /// Why a path was refused. The command parser turns it into the MAIL or RCPT syntax reply.
    public enum ParseError: Error, Hashable, Sendable {
        case syntax
    }

    /// Parses the text between `<` and `>`, brackets excluded.
    /// - Parameters:
    ///   - inside: the bytes between the brackets.
    ///   - allowNull: true for MAIL FROM.
    ///   - allowUTF8: accept RFC 6531 UTF-8 in the mailbox (the caller checks that SMTPUTF8 was given).
    public static func parse(inside: ArraySlice<UInt8>, allowNull: Bool, allowUTF8: Bool = true)
        throws(ParseError) -> MailPath
    {
        var text = inside
        if text.isEmpty {
            guard allowNull else { throw .syntax }
            return .null
        }
        if text.first == UInt8(ascii: "@") {
            guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else { throw .syntax }
            let route = text[..<colon]
            for hop in route.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                guard hop.first == UInt8(ascii: "@"),
                    AddressSyntax.isValidDomain(hop.dropFirst(), allowUTF8: allowUTF8)
                else { throw .syntax }
            }
            text = text[text.index(after: colon)...]
        }
        let local: ArraySlice<UInt8>
        var domain: ArraySlice<UInt8>?
        if let at = text.lastIndex(of: UInt8(ascii: "@")) {
            local = text[..<at]
            domain = text[text.index(after: at)...]
        } else {
            local = text
        }
        guard AddressSyntax.isValidLocalPart(local, allowUTF8: allowUTF8) else { throw .syntax }
        if let domain {
            guard AddressSyntax.isValidDomain(domain, allowUTF8: allowUTF8) else { throw .syntax }
        }
        return .mailbox(Mailbox(localPart: ByteClass.string(local), domain: domain.map(ByteClass.string)))
    }

    /// Splits `<path> rest` as `smtp_mailaddr()` does: the path runs to the first `>`, spaces after it are
    /// skipped, and what follows is the parameter text.
    /// - Returns: the bytes inside the brackets and the parameter text, or nil when there is no `<…>`.
    static func split(_ arguments: ArraySlice<UInt8>) -> (inside: ArraySlice<UInt8>, rest: ArraySlice<UInt8>)? {
        guard arguments.first == UInt8(ascii: "<"), let close = arguments.firstIndex(of: UInt8(ascii: ">")) else {
            return nil
        }
        let inside = arguments[arguments.index(after: arguments.startIndex)..<close]
        let rest = arguments[arguments.index(after: close)...].drop { $0 == ByteClass.space }
        return (inside, rest)
    }

    /// Appends `<…>`.
    public func encode(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: description.utf8)
    }
}
