extension TableValue {
    /// A relay URL: the value of a `relayhost` lookup (`relay domain <T>`), an entry of `relay host <T>`, or the
    /// string of `relay host "…"`. OpenSMTPD copies it at lookup time and reads it (`text_to_relayhost`) only when
    /// it delivers; a URL that does not read fails delivery with "Cannot parse smarthost" (a temporary failure).
    ///
    /// `[SCHEME://][LABEL@]HOST[:PORT]`, schemes without case:
    /// - `smtp` (the default): STARTTLS when offered, port 25;
    /// - `smtp+tls`: STARTTLS required, port 25;
    /// - `smtp+notls`: no TLS, port 25;
    /// - `smtps`: TLS from the start, port 465;
    /// - `lmtp`: LMTP without TLS; a port is required.
    /// HOST is `[literal]` or a run of letters, digits, `_`, `.` and `-`, and must be a valid domain or address
    /// literal (at most 64 bytes); what follows it is ignored unless it is `:PORT` (1…65535, nothing after).
    /// A LABEL (the `auth <T>` key of the credentials) needs `smtp+tls` or `smtps`.
    ///
    /// - SeeAlso: smtpd-conf.md §7.5; `text_to_relayhost` in OpenSMTPD's to.c.
    public struct RelayHost: Sendable, Hashable {
        public enum TLS: Sendable, Hashable {
            /// `smtp://`: STARTTLS if the server offers it.
            case opportunistic
            /// `smtp+tls://`: STARTTLS or fail.
            case startTLS
            /// `smtp+notls://`, `lmtp://`.
            case none
            /// `smtps://`: TLS from the first byte.
            case smtps
        }

        public var tls: TLS
        /// `lmtp://`.
        public var isLMTP: Bool
        /// As written, brackets included for literals.
        public var hostname: String
        public var port: UInt16
        /// The credentials label before `@`, if any.
        public var authLabel: String?

        public init(tls: TLS, isLMTP: Bool = false, hostname: String, port: UInt16, authLabel: String? = nil) {
            self.tls = tls
            self.isLMTP = isLMTP
            self.hostname = hostname
            self.port = port
            self.authLabel = authLabel
        }

        private static let schemes: [(prefix: String, tls: TLS, isLMTP: Bool, port: UInt16)] = [
            ("smtp://", .opportunistic, false, 25),
            ("smtp+tls://", .startTLS, false, 25),
            ("smtp+notls://", .none, false, 25),
            ("lmtp://", .none, true, 0),
            ("smtps://", .smtps, false, 465),
        ]

        /// Reads a relay URL, or returns nil when OpenSMTPD would refuse it.
        public init?(url: String) {
            let text = Array(url.utf8.prefix { $0 != 0 })
            guard text.count < 1024 else { return nil }
            var rest = text[...]
            var scheme = Self.schemes[0]
            if let known = Self.schemes.first(where: { Self.hasPrefixIgnoringCase(text, $0.prefix) }) {
                scheme = known
                rest = text[known.prefix.utf8.count...]
            } else if Self.contains(text, "://") {
                return nil
            }

            var label: String?
            if let at = rest.firstIndex(of: UInt8(ascii: "@")) {
                guard rest.distance(from: rest.startIndex, to: at) < 4096 else { return nil }
                label = String(decoding: rest[..<at], as: UTF8.self)
                rest = rest[(at + 1)...]
            }

            let hostEnd: Int
            if rest.first == UInt8(ascii: "[") {
                guard let close = rest.firstIndex(of: UInt8(ascii: "]")) else { return nil }
                hostEnd = close + 1
            } else {
                hostEnd = rest.firstIndex { !Self.isHostByte($0) } ?? rest.endIndex
            }
            let host = rest[..<hostEnd]
            guard host.count < TableValue.hostNameBufferSize else { return nil }

            var port = scheme.port
            if hostEnd < rest.endIndex && rest[hostEnd] == UInt8(ascii: ":") {
                let digits = Array(rest[(hostEnd + 1)...])
                guard let number = digits.withUnsafeBytes({ StrToNum.parse($0, in: 1...65535) }) else { return nil }
                port = UInt16(number)
            }

            let hostname = String(decoding: host, as: UTF8.self)
            guard DomainPart.isValid(Array(host)) else { return nil }
            if scheme.isLMTP && port == 0 { return nil }
            if let label, !label.isEmpty {
                guard scheme.tls == .startTLS || scheme.tls == .smtps else { return nil }
            }
            self.init(
                tls: scheme.tls,
                isLMTP: scheme.isLMTP,
                hostname: hostname,
                port: port,
                authLabel: label?.isEmpty == false ? label : nil
            )
        }

        private static func isHostByte(_ byte: UInt8) -> Bool {
            byte &- UInt8(ascii: "0") < 10 || (byte | 0x20) &- UInt8(ascii: "a") < 26
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }

        private static func hasPrefixIgnoringCase(_ text: [UInt8], _ prefix: String) -> Bool {
            let prefix = Array(prefix.utf8)
            return text.count >= prefix.count
                && zip(text, prefix).allSatisfy { TableLookupKey.fold($0) == $1 }
        }

        private static func contains(_ text: [UInt8], _ needle: String) -> Bool {
            let needle = Array(needle.utf8)
            guard text.count >= needle.count else { return false }
            return (0...(text.count - needle.count)).contains { text[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
    }
}
