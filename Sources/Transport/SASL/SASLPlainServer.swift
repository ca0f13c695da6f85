/// The server side of RFC 4616 PLAIN: `[authzid] NUL authcid NUL passwd`, base64, in the AUTH line or after an
/// empty `334 ` challenge.
///
/// OpenSMTPD's limits and checks (`smtp_rfc4954_auth_plain`, 7.8): at most 1023 decoded octets, a username under
/// 256 octets, no CR or LF. Tern is stricter than OpenSMTPD where RFC 4616 is: the authcid and the password must
/// not be empty, and the password may not contain a NUL (OpenSMTPD would cut it there).
public struct SASLPlainServer: Hashable, Sendable {
    static let maximumMessageLength = 1023
    static let maximumUsernameLength = 255

    public init() {}

    /// Starts the exchange.
    /// - Parameter initialResponse: the text after `AUTH PLAIN`, if any; `=` stands for an empty response
    ///   (RFC 4954 §4).
    public mutating func start(initialResponse: String?) -> SASLStep {
        guard let initialResponse else { return .challenge("") }
        return receive(Array(initialResponse.utf8))
    }

    /// The client's response line.
    public mutating func receive(_ line: some Collection<UInt8>) -> SASLStep {
        if SASLText.isCancel(line) { return .failed(.cancelled) }
        let text = line.count == 1 && line.first == UInt8(ascii: "=") ? [] : Array(line)
        guard let message = Base64.decode(text, maximumLength: Self.maximumMessageLength) else {
            return .failed(.malformed)
        }
        let fields = message.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return .failed(.malformed) }
        let (authzid, authcid, password) = (fields[0], fields[1], fields[2])
        guard !authcid.isEmpty, authcid.count <= Self.maximumUsernameLength, !password.isEmpty,
            SASLText.isClean(authcid), SASLText.isClean(password), SASLText.isClean(authzid),
            let username = String(validating: authcid, as: UTF8.self),
            let authorization = String(validating: authzid, as: UTF8.self)
        else { return .failed(.malformed) }
        return .credentials(SASLCredentials(authorizationID: authorization.isEmpty ? nil : authorization,
            username: username, password: Array(password)))
    }
}
