/// Whether BoringSSL accepts an OpenSSL-style cipher string, answered without BoringSSL.
///
/// NIOSSL hands `TLSConfiguration.cipherSuites` to `SSL_CTX_set_cipher_list` and traps (a `precondition`) when
/// BoringSSL refuses it, so a `ciphers "…"` line that libtls would have refused with an error would crash Tern.
/// This models the non-strict rule parser of BoringSSL's `ssl_cipher.cc` (the copy NIOSSL bundles) closely
/// enough to tell acceptance: syntax errors (`@SECLEVEL=1`, a bad group) and a list that ends up empty are
/// refusals; unknown words are skipped, as BoringSSL skips them. Order (`+`, `@STRENGTH`) does not matter here.
enum BoringSSLCipherRules {
    /// - Returns: true when `SSL_CTX_set_cipher_list(ctx, text)` would succeed.
    static func accepts(_ text: String) -> Bool {
        var state = State()
        var rules = Array(text.utf8.prefix { $0 != 0 })
        if rules.starts(with: Array("DEFAULT".utf8)) {
            guard state.process(Array("ALL".utf8)) else { return false }
            rules.removeFirst(7)
            if rules.first == UInt8(ascii: ":") { rules.removeFirst() }
        }
        if !rules.isEmpty {
            guard state.process(rules) else { return false }
        }
        return state.active.contains(true)
    }

    private struct Suite {
        var name: String
        var standardName: String
        var mkey: UInt32, auth: UInt32, enc: UInt32, mac: UInt32
        /// `SSL_CIPHER_get_min_version`: TLS 1.2 for suites with their own PRF hash, else SSL 3.
        var minVersion: UInt16
        var deprecated: Bool
    }

    private struct Alias {
        var mkey: UInt32 = ~0, auth: UInt32 = ~0, enc: UInt32 = ~0, mac: UInt32 = ~0
        var minVersion: UInt16 = 0
        var includeDeprecated = false
    }

    private enum Rule { case add, delete, order, kill, special }

    private struct State {
        /// Per entry of ``suites``: selected, and removed for good by `!`.
        var active = Array(repeating: false, count: suites.count)
        var killed = Array(repeating: false, count: suites.count)

        mutating func process(_ text: [UInt8]) -> Bool {
            var index = 0
            var inGroup = false
            var hasGroup = false
            func at(_ i: Int) -> UInt8 { i < text.count ? text[i] : 0 }
            while index < text.count {
                let ch = text[index]
                var rule = Rule.add
                if inGroup {
                    if ch == UInt8(ascii: "]") { inGroup = false; index += 1; continue }
                    if ch == UInt8(ascii: "|") { index += 1; continue }
                    guard isAlphanumeric(ch) else { return false }
                } else {
                    switch ch {
                    case UInt8(ascii: "-"): rule = .delete; index += 1
                    case UInt8(ascii: "+"): rule = .order; index += 1
                    case UInt8(ascii: "!"): rule = .kill; index += 1
                    case UInt8(ascii: "@"): rule = .special; index += 1
                    case UInt8(ascii: "["): inGroup = true; hasGroup = true; index += 1; continue
                    default: break
                    }
                }
                if hasGroup && rule != .add { return false }
                if isSeparator(ch) { index += 1; continue }

                var multi = false
                var exact: Int??  // .some(nil): a TLS 1.3 suite, which the list does not hold
                var alias = Alias()
                alias.includeDeprecated = rule != .add
                var skip = false
                var word: [UInt8] = []
                while true {
                    let start = index
                    while isWordByte(at(index)) { index += 1 }
                    word = Array(text[start..<index])
                    guard !word.isEmpty else { return false }
                    if rule == .special { break }
                    let name = String(decoding: word, as: UTF8.self)
                    if !multi && at(index) != UInt8(ascii: "+") {
                        if let found = suites.firstIndex(where: { $0.name == name || $0.standardName == name }) {
                            exact = .some(found)
                        } else if tls13Names.contains(name) {
                            exact = .some(nil)
                        }
                    }
                    if exact == nil {
                        if let known = aliases[name] {
                            alias.mkey &= known.mkey
                            alias.auth &= known.auth
                            alias.enc &= known.enc
                            alias.mac &= known.mac
                            alias.includeDeprecated = alias.includeDeprecated || known.includeDeprecated
                            if alias.minVersion != 0 && alias.minVersion != known.minVersion {
                                skip = true
                            } else {
                                alias.minVersion = known.minVersion
                            }
                        } else {
                            skip = true
                        }
                    }
                    guard at(index) == UInt8(ascii: "+") else { break }
                    index += 1
                    multi = true
                }
                if rule == .special {
                    guard word == Array("STRENGTH".utf8) else { return false }
                    while index < text.count && !isSeparator(text[index]) { index += 1 }
                } else if !skip {
                    apply(rule, exact: exact, alias: alias)
                }
            }
            return !inGroup
        }

        private mutating func apply(_ rule: Rule, exact: Int??, alias: Alias) {
            for (position, suite) in suites.enumerated() where !killed[position] {
                let matches: Bool
                if let exact {
                    matches = exact == position
                } else {
                    matches = alias.mkey & suite.mkey != 0 && alias.auth & suite.auth != 0
                        && alias.enc & suite.enc != 0 && alias.mac & suite.mac != 0
                        && (alias.minVersion == 0 || alias.minVersion == suite.minVersion)
                        && (alias.includeDeprecated || !suite.deprecated)
                }
                guard matches else { continue }
                switch rule {
                case .add: active[position] = true
                case .delete: active[position] = false
                case .kill: active[position] = false; killed[position] = true
                case .order, .special: break
                }
            }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
    }

    /// Non-strict separators.
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ":") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ",")
    }

    // Bits of ssl/internal.h.
    private static let kRSA: UInt32 = 1, kECDHE: UInt32 = 2, kPSK: UInt32 = 4
    private static let aRSASign: UInt32 = 1, aRSADecrypt: UInt32 = 2, aECDSA: UInt32 = 4, aPSK: UInt32 = 8
    private static let des3: UInt32 = 1, aes128: UInt32 = 2, aes256: UInt32 = 4, aes128GCM: UInt32 = 8,
        aes256GCM: UInt32 = 16, chacha: UInt32 = 32
    private static let sha1: UInt32 = 1, sha256: UInt32 = 2, aead: UInt32 = 4
    private static let ssl3: UInt16 = 0x0300, tls12: UInt16 = 0x0303

    private static let tls13Names: Set<String> = [
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    ]

    /// BoringSSL's TLS 1.2-and-older suites (`kCiphers` without TLS 1.3).
    private static let suites: [Suite] = [
        Suite(name: "DES-CBC3-SHA", standardName: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", mkey: kRSA, auth: aRSADecrypt,
            enc: des3, mac: sha1, minVersion: ssl3, deprecated: true),
        Suite(name: "AES128-SHA", standardName: "TLS_RSA_WITH_AES_128_CBC_SHA", mkey: kRSA, auth: aRSADecrypt,
            enc: aes128, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "AES256-SHA", standardName: "TLS_RSA_WITH_AES_256_CBC_SHA", mkey: kRSA, auth: aRSADecrypt,
            enc: aes256, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "PSK-AES128-CBC-SHA", standardName: "TLS_PSK_WITH_AES_128_CBC_SHA", mkey: kPSK, auth: aPSK,
            enc: aes128, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "PSK-AES256-CBC-SHA", standardName: "TLS_PSK_WITH_AES_256_CBC_SHA", mkey: kPSK, auth: aPSK,
            enc: aes256, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "AES128-GCM-SHA256", standardName: "TLS_RSA_WITH_AES_128_GCM_SHA256", mkey: kRSA,
            auth: aRSADecrypt, enc: aes128GCM, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "AES256-GCM-SHA384", standardName: "TLS_RSA_WITH_AES_256_GCM_SHA384", mkey: kRSA,
            auth: aRSADecrypt, enc: aes256GCM, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "ECDHE-ECDSA-AES128-SHA", standardName: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", mkey: kECDHE,
            auth: aECDSA, enc: aes128, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "ECDHE-ECDSA-AES256-SHA", standardName: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", mkey: kECDHE,
            auth: aECDSA, enc: aes256, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "ECDHE-RSA-AES128-SHA", standardName: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", mkey: kECDHE,
            auth: aRSASign, enc: aes128, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "ECDHE-RSA-AES256-SHA", standardName: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", mkey: kECDHE,
            auth: aRSASign, enc: aes256, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "ECDHE-ECDSA-AES128-SHA256", standardName: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            mkey: kECDHE, auth: aECDSA, enc: aes128, mac: sha256, minVersion: tls12, deprecated: true),
        Suite(name: "ECDHE-RSA-AES128-SHA256", standardName: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            mkey: kECDHE, auth: aRSASign, enc: aes128, mac: sha256, minVersion: tls12, deprecated: true),
        Suite(name: "ECDHE-ECDSA-AES128-GCM-SHA256", standardName: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            mkey: kECDHE, auth: aECDSA, enc: aes128GCM, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "ECDHE-ECDSA-AES256-GCM-SHA384", standardName: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            mkey: kECDHE, auth: aECDSA, enc: aes256GCM, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "ECDHE-RSA-AES128-GCM-SHA256", standardName: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            mkey: kECDHE, auth: aRSASign, enc: aes128GCM, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "ECDHE-RSA-AES256-GCM-SHA384", standardName: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            mkey: kECDHE, auth: aRSASign, enc: aes256GCM, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "ECDHE-PSK-AES128-CBC-SHA", standardName: "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", mkey: kECDHE,
            auth: aPSK, enc: aes128, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "ECDHE-PSK-AES256-CBC-SHA", standardName: "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", mkey: kECDHE,
            auth: aPSK, enc: aes256, mac: sha1, minVersion: ssl3, deprecated: false),
        Suite(name: "ECDHE-RSA-CHACHA20-POLY1305", standardName: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            mkey: kECDHE, auth: aRSASign, enc: chacha, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "ECDHE-ECDSA-CHACHA20-POLY1305", standardName: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            mkey: kECDHE, auth: aECDSA, enc: chacha, mac: aead, minVersion: tls12, deprecated: false),
        Suite(name: "ECDHE-PSK-CHACHA20-POLY1305", standardName: "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
            mkey: kECDHE, auth: aPSK, enc: chacha, mac: aead, minVersion: tls12, deprecated: false),
    ]

    /// `kCipherAliases`.
    private static let aliases: [String: Alias] = [
        "ALL": Alias(), "HIGH": Alias(), "FIPS": Alias(),
        "kRSA": Alias(mkey: kRSA), "kECDHE": Alias(mkey: kECDHE), "kEECDH": Alias(mkey: kECDHE),
        "ECDH": Alias(mkey: kECDHE), "kPSK": Alias(mkey: kPSK),
        "aRSA": Alias(auth: aRSASign | aRSADecrypt), "aECDSA": Alias(auth: aECDSA), "ECDSA": Alias(auth: aECDSA),
        "aPSK": Alias(auth: aPSK),
        "ECDHE": Alias(mkey: kECDHE), "EECDH": Alias(mkey: kECDHE),
        "RSA": Alias(mkey: kRSA, auth: aRSASign | aRSADecrypt), "PSK": Alias(mkey: kPSK, auth: aPSK),
        "3DES": Alias(enc: des3, includeDeprecated: true), "AES128": Alias(enc: aes128 | aes128GCM),
        "AES256": Alias(enc: aes256 | aes256GCM), "AES": Alias(enc: aes128 | aes256 | aes128GCM | aes256GCM),
        "AESGCM": Alias(enc: aes128GCM | aes256GCM), "CHACHA20": Alias(enc: chacha),
        "SHA1": Alias(mac: sha1), "SHA": Alias(mac: sha1),
        "SSLv3": Alias(minVersion: ssl3), "TLSv1": Alias(minVersion: ssl3), "TLSv1.2": Alias(minVersion: tls12),
    ]
}
