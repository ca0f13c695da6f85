import CCrypt

/// A crypt(3) password hash from a `credentials` table, checked with the system's `crypt_r` (libxcrypt on
/// Debian), which reads every family OpenSMTPD and Dovecot tables hold: bcrypt (`$2a$`, `$2b$`, `$2y$`),
/// yescrypt (`$y$`), SHA-512 and SHA-256 crypt (`$6$`, `$5$`) and MD5 crypt (`$1$`).
///
/// `crypt_r` is slow on purpose (bcrypt cost 10 takes tens of milliseconds): call ``verify(_:)`` off the event loop.
/// The hash is not shown by `description` (it is not the password, but it can be attacked offline).
public struct PasswordHash: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The hash as stored (`$2b$10$…`).
    public let encoded: String

    public init(_ encoded: String) {
        self.encoded = encoded
    }

    /// The families Tern can create with ``make(password:scheme:)``.
    public enum Scheme: Hashable, Sendable {
        /// bcrypt `$2b$`. OpenBSD's `encrypt` (what `smtpctl encrypt` runs there) picks the cost automatically
        /// from the machine's speed, never below 8; Tern's default of 10 is what that gives on today's hardware
        /// and what most tools use.
        case bcrypt(cost: Int = 10)
        /// yescrypt `$y$`, Debian's default for system passwords, at libxcrypt's default cost.
        case yescrypt
        /// SHA-512 crypt `$6$`, what Debian's `smtpctl encrypt` writes, at the default 5000 rounds.
        case sha512
        /// SHA-256 crypt `$5$`.
        case sha256

        var prefix: String {
            switch self {
            case .bcrypt: "$2b$"
            case .yescrypt: "$y$"
            case .sha512: "$6$"
            case .sha256: "$5$"
            }
        }

        var count: UInt {
            if case .bcrypt(let cost) = self { return UInt(cost) }
            return 0
        }
    }

    public enum Error: Swift.Error, Hashable, Sendable {
        /// libxcrypt refused the scheme or its cost.
        case unsupportedScheme
        /// The password holds a NUL octet, which crypt(3) cannot see past.
        case invalidPassword
    }

    /// The family, read from the prefix (`$2b$`, `$6$`…), or `DES` for a traditional 13-character hash.
    public var family: String {
        guard encoded.hasPrefix("$"), let end = encoded.dropFirst().firstIndex(of: "$") else { return "DES" }
        return String(encoded[...end])
    }

    public var description: String { "PasswordHash(\(family)…)" }
    public var debugDescription: String { description }

    /// Checks a password: `crypt_r(password, hash)` must give back the hash, compared in constant time.
    /// - Parameter password: the octets the client sent (see ``SASLCredentials/password``).
    /// - Returns: false for a wrong password, an unknown or malformed hash, or a password holding NUL.
    public func verify(_ password: some Collection<UInt8>) -> Bool {
        guard !password.contains(0), !encoded.isEmpty, !encoded.utf8.contains(0),
            let computed = Self.crypt(password: Array(password), setting: encoded)
        else { return false }
        return Self.constantTimeEqual(computed, Array(encoded.utf8))
    }

    /// Hashes a password with a fresh random salt from libxcrypt.
    /// - Parameters:
    ///   - password: the password octets.
    ///   - scheme: the family; bcrypt cost 10 by default.
    /// - Returns: the new hash.
    public static func make(password: some Collection<UInt8>, scheme: Scheme = .bcrypt()) throws(Error)
        -> PasswordHash
    {
        guard !password.contains(0) else { throw .invalidPassword }
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let made = setting.withUnsafeMutableBufferPointer { buffer in
            crypt_gensalt_rn(scheme.prefix, scheme.count, nil, 0, buffer.baseAddress, Int32(buffer.count))
        }
        guard made != nil else { throw .unsupportedScheme }
        let settingText = String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let hash = crypt(password: Array(password), setting: settingText) else { throw .unsupportedScheme }
        return PasswordHash(String(decoding: hash, as: UTF8.self))
    }

    /// `crypt_r` with its own heap-allocated `struct crypt_data` (about 32 KiB), so calls on several threads
    /// never share state. libxcrypt returns a string starting with `*` on failure.
    private static func crypt(password: [UInt8], setting: String) -> [UInt8]? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        data.initialize(to: crypt_data())
        defer {
            data.deinitialize(count: 1)
            data.deallocate()
        }
        let key = password.map { CChar(bitPattern: $0) } + [0]
        guard let result = crypt_r(key, setting, data) else { return nil }
        let bytes = Array(String(cString: result).utf8)
        guard let first = bytes.first, first != UInt8(ascii: "*") else { return nil }
        return bytes
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
