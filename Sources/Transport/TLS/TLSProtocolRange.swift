public import NIOSSL

/// smtpd.conf's `protocols` value, in libtls syntax (`tls_config_parse_protocols`), reduced to the version range
/// NIOSSL can express (a minimum and a maximum; a gap such as `tlsv1.0,tlsv1.2` becomes 1.0–1.2).
public struct TLSProtocolRange: Hashable, Sendable {
    public var minimum: TLSVersion
    public var maximum: TLSVersion

    /// - Parameter text: comma or colon separated `all`, `legacy`, `default`, `secure`, `tlsv1`, `tlsv1.0` …
    ///   `tlsv1.3`, each optionally negated with `!`.
    public init(parsing text: String) throws {
        var enabled = Set<Int>()  // minor versions: 0 = TLS 1.0 … 3 = TLS 1.3
        for raw in text.split(whereSeparator: { $0 == "," || $0 == ":" }) {
            var token = raw.trimmingSpaces.lowercased()
            let negated = token.hasPrefix("!")
            if negated { token.removeFirst() }
            let versions: Set<Int>
            switch token {
            case "all", "legacy": versions = [0, 1, 2, 3]
            case "default", "secure": versions = [2, 3]
            case "tlsv1": versions = [0, 1]
            case "tlsv1.0": versions = [0]
            case "tlsv1.1": versions = [1]
            case "tlsv1.2": versions = [2]
            case "tlsv1.3": versions = [3]
            default: throw TLSContextError(description: "invalid protocols \"\(text)\": unknown \"\(token)\"")
            }
            if negated { enabled.subtract(versions) } else { enabled.formUnion(versions) }
        }
        guard let low = enabled.min(), let high = enabled.max() else {
            throw TLSContextError(description: "invalid protocols \"\(text)\": no version left")
        }
        let table: [TLSVersion] = [.tlsv1, .tlsv11, .tlsv12, .tlsv13]
        minimum = table[low]
        maximum = table[high]
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
