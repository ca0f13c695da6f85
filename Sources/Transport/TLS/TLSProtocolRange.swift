public import NIOSSL

/// smtpd.conf's `protocols` value, in libtls syntax (`tls_config_parse_protocols`), reduced to the version range
/// NIOSSL can express (a minimum and a maximum).
///
/// Current libtls (LibreSSL ≥ 3.8, and the copy OpenSMTPD 7.x bundles) only ever enables TLS 1.2 and 1.3: `all`,
/// `legacy`, `default`, `secure` and `tlsv1` all mean both of them, and `tlsv1.0`/`tlsv1.1` are still accepted but
/// enable nothing. A list that starts with a negation (`!tlsv1.2`) takes it away from `all`.
public struct TLSProtocolRange: Hashable, Sendable {
    public var minimum: TLSVersion
    public var maximum: TLSVersion

    /// - Parameter text: comma or colon separated `all`, `legacy`, `default`, `secure`, `tlsv1`, `tlsv1.0` …
    ///   `tlsv1.3`, each optionally negated with `!` (case-insensitive, blanks before a word are skipped).
    /// - Throws: ``TLSContextError`` for an unknown word (OpenSMTPD: `failed to parse protocols`), or when the
    ///   list leaves neither TLS 1.2 nor TLS 1.3 (libtls would then fail every handshake).
    public init(parsing text: String) throws {
        let twelveAndThirteen: Set<Version> = [.tls12, .tls13]
        var enabled = Set<Version>()
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == ":" }) {
            var token = Substring(raw.drop(while: { $0 == " " || $0 == "\t" }))
            let negated = token.first == "!"
            if negated {
                token = token.dropFirst()
                if enabled.isEmpty { enabled = twelveAndThirteen }
            }
            let versions: Set<Version>
            switch token.lowercased() {
            case "all", "legacy", "default", "secure", "tlsv1": versions = twelveAndThirteen
            case "tlsv1.0": versions = [.tls10]
            case "tlsv1.1": versions = [.tls11]
            case "tlsv1.2": versions = [.tls12]
            case "tlsv1.3": versions = [.tls13]
            default: throw TLSContextError(description: "failed to parse protocols \"\(text)\"")
            }
            if negated { enabled.subtract(versions) } else { enabled.formUnion(versions) }
        }
        let usable = enabled.intersection(twelveAndThirteen)
        guard let low = usable.min(), let high = usable.max() else {
            throw TLSContextError(description: "protocols \"\(text)\" enable neither TLS 1.2 nor TLS 1.3")
        }
        minimum = low.nioVersion
        maximum = high.nioVersion
    }

    private enum Version: Int, Comparable {
        case tls10, tls11, tls12, tls13

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        var nioVersion: TLSVersion {
            switch self {
            case .tls10: .tlsv1
            case .tls11: .tlsv11
            case .tls12: .tlsv12
            case .tls13: .tlsv13
            }
        }
    }
}
