import Foundation
public import ConfParser

/// The checks `smtpd -n` runs after a successful parse, in OpenSMTPD's order: the queue key, then every pki's
/// certificate (by name order), every CA, then every pki's key. Each failure ends the check at once.
enum PostParseChecks {
    static func run(config: Config, files: PKIFileSystem, notes: inout [Diagnostic]) -> Diagnostic? {
        switch config.options.queueEncryption {
        case .key(let key) where key.utf8.count != 32:
            return fatal("crypto_setup:invalid key for queue encryption",
                         hint: "the key must be exactly 32 characters, e.g. from `openssl rand -hex 16`")
        case .stdin:
            return fatal("crypto_setup:invalid key for queue encryption",
                         hint: "OpenSMTPD checks the word \"stdin\" itself as a key; Tern keeps that verdict")
        default:
            break
        }
        let pkis = config.pkis.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for pki in pkis {
            guard let cert = pki.certFile else {
                return fatal("load_pki_tree: missing certificate file", hint: "pki \(pki.name) has no `cert` line")
            }
            guard pki.keyFile != nil else {
                return fatal("load_pki_tree: missing key file", hint: "pki \(pki.name) has no `key` line")
            }
            if !loadable(cert, allowed: 0o755, files: files, notes: &notes) {
                return fatal("load_pki_tree: failed to load certificate file", hint: "cannot read \(cert)")
            }
        }
        for ca in config.cas.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            if !loadable(ca.certFile ?? "", allowed: 0o755, files: files, notes: &notes) {
                return fatal("load_pki_tree: failed to load CA file", hint: "cannot read \(ca.certFile ?? "(none)")")
            }
        }
        for pki in pkis {
            let key = pki.keyFile ?? ""
            guard loadable(key, allowed: 0o740, files: files, notes: &notes) else {
                return fatal("load_pki_keys: failed to load key file", hint: "cannot read \(key)")
            }
            guard let bytes = files.read(key), PrivateKeyPEM.containsPrivateKey(bytes) else {
                return fatal("load_pki_keys: failed to load key file", hint: "\(key) holds no PEM private key")
            }
        }
        return nil
    }

    /// OpenSMTPD's `ssl_load_file` rules: readable, owned by root (Tern also accepts the user it runs as),
    /// and no more permissive than `allowed`.
    private static func loadable(_ path: String, allowed: UInt32, files: PKIFileSystem, notes: inout [Diagnostic])
        -> Bool
    {
        guard let status = files.status(path), files.read(path) != nil else { return false }
        if status.ownerID != 0 && status.ownerID != files.effectiveUserID {
            notes.append(Diagnostic(.note, "warn:  \(path): not owned by uid 0"))
            return false
        }
        if status.permissions & 0o777 & ~allowed != 0 {
            notes.append(Diagnostic(.note, "warn:  \(path): insecure permissions: must be at most \(modeText(allowed)) "))
            return false
        }
        return true
    }

    private static func modeText(_ mode: UInt32) -> String {
        let letters: [Character] = ["r", "w", "x"]
        return String((0..<9).map { bit in mode & (0o400 >> UInt32(bit)) != 0 ? letters[bit % 3] : "-" })
    }

    private static func fatal(_ message: String, hint: String) -> Diagnostic {
        Diagnostic(.fatal, message, hint: hint)
    }
}

/// A structural check that a file holds a PEM private key (PKCS#8, PKCS#1 RSA, SEC1 EC, or encrypted).
enum PrivateKeyPEM {
    static func containsPrivateKey(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let labels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]
        for label in labels {
            let begin = "-----BEGIN \(label)-----"
            let end = "-----END \(label)-----"
            guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
            else { continue }
            let body = text[start.upperBound..<stop.lowerBound]
            let base64 = body.split(separator: "\n").filter { !$0.contains(":") }.joined()
                .filter { !$0.isWhitespace }
            if let der = Base64.decode(base64), der.first == 0x30, der.count > 8 { return true }
        }
        return false
    }
}

enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = Int8(index)
        }
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") { break }
            let value = table[Int(byte)]
            guard value >= 0 else { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
        }
        return output
    }
}
