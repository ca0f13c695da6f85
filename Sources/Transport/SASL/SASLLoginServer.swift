/// The server side of the LOGIN mechanism: `334 VXNlcm5hbWU6` ("Username:"), then `334 UGFzc3dvcmQ6`
/// ("Password:"), each answered with one base64 line.
///
/// As OpenSMTPD (`smtp_rfc4954_auth_login`): an initial response after `AUTH LOGIN` is the username; the
/// username is at most 255 octets and the password at most 2047; 7.8 refuses CR and LF in either. An empty
/// username is read as such (the credentials check fails it later), as OpenSMTPD does.
public struct SASLLoginServer: Hashable, Sendable {
    static let usernamePrompt = "VXNlcm5hbWU6"
    static let passwordPrompt = "UGFzc3dvcmQ6"
    static let maximumUsernameLength = 255
    static let maximumPasswordLength = 2047

    private var username: String?

    /// Whether the user name was received and the password is awaited.
    public var awaitsPassword: Bool { username != nil }

    public init() {}

    /// Starts the exchange.
    /// - Parameter initialResponse: the base64 username after `AUTH LOGIN`, if any.
    public mutating func start(initialResponse: String?) -> SASLStep {
        guard let initialResponse, !initialResponse.isEmpty else { return .challenge(Self.usernamePrompt) }
        return receive(initialResponse == "=" ? [] : Array(initialResponse.utf8))
    }

    /// The client's response line.
    public mutating func receive(_ line: some Collection<UInt8>) -> SASLStep {
        if SASLText.isCancel(line) { return .failed(.cancelled) }
        guard let username else {
            guard let decoded = Base64.decode(line, maximumLength: Self.maximumUsernameLength),
                SASLText.isClean(decoded), let name = String(validating: decoded, as: UTF8.self)
            else { return .failed(.malformed) }
            self.username = name
            return .challenge(Self.passwordPrompt)
        }
        guard let password = Base64.decode(line, maximumLength: Self.maximumPasswordLength),
            SASLText.isClean(password)
        else { return .failed(.malformed) }
        return .credentials(SASLCredentials(username: username, password: password))
    }
}
