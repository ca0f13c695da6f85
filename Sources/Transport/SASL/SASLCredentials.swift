/// What a finished PLAIN or LOGIN exchange yields, for the policy to check against the credentials table.
///
/// The password never shows in any text view: `description`, `debugDescription` and the mirror (used by `dump`
/// and by `"\(value)"` of enclosing types) print `********`, like nio-imap's logging mode and OpenSMTPD's
/// `AUTH PLAIN ********` log lines. Only ``password`` gives it.
public struct SASLCredentials: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// RFC 4616 authzid, when the client sent a non-empty one (OpenSMTPD ignores it; the policy decides).
    public var authorizationID: String?
    /// The authentication identity (authcid), valid UTF-8 without CR, LF or NUL.
    public var username: String
    /// The password octets, without CR, LF or NUL; not necessarily UTF-8.
    public var password: [UInt8]

    public init(authorizationID: String? = nil, username: String, password: [UInt8]) {
        self.authorizationID = authorizationID
        self.username = username
        self.password = password
    }

    public var description: String { "SASLCredentials(username: \(username), password: ********)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["authorizationID": authorizationID as Any, "username": username,
            "password": "********"])
    }
}

/// The mechanisms Tern's server offers: OpenSMTPD's `AUTH PLAIN LOGIN`.
public enum SASLMechanism: String, Hashable, Sendable, CaseIterable {
    /// RFC 4616.
    case plain = "PLAIN"
    /// The de-facto LOGIN mechanism (draft-murchison-sasl-login).
    case login = "LOGIN"

    /// Case-insensitive lookup (`strcasecmp` in `smtp_proceed_auth`).
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue == name.uppercased() }) else { return nil }
        self = match
    }
}

/// One step of a server-side SASL exchange.
public enum SASLStep: Hashable, Sendable {
    /// Send `334 ` and this base64 text, then feed the client's next line.
    case challenge(String)
    /// The exchange is over; check these.
    case credentials(SASLCredentials)
    /// The client cancelled with `*` or sent something malformed; OpenSMTPD answers both with
    /// `501 5.5.2 Syntax error: Syntax error` (RFC 4954 §4 asks for 501 on cancel).
    case failed(SASLFailure)
}

public enum SASLFailure: Hashable, Sendable {
    case cancelled
    case malformed
}

enum SASLText {
    /// RFC 4954 §4: a lone `*` cancels the exchange.
    static func isCancel(_ line: some Collection<UInt8>) -> Bool {
        line.count == 1 && line.first == UInt8(ascii: "*")
    }

    /// OpenSMTPD 7.x refuses CR and LF inside names and passwords (header and log injection); Tern adds NUL,
    /// which C strings would silently cut.
    static func isClean(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.contains { $0 == ByteClass.cr || $0 == ByteClass.lf || $0 == 0 }
    }
}
