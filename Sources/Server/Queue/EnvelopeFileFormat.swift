/// The envelope file: ASCII `key: value` lines, one per field, in a fixed order, ending in a newline.
///
/// ```
/// version: 1
/// evpid: 1a2b3c4d00c0ffee
/// sender: alice@example.org
/// rcpt: bob@example.net
/// dest: bob@example.net
/// action: local_mail
/// method: maildir
/// target: /home/bob/Maildir
/// user: bob
/// created: 1764000000
/// expire: 1764345600
/// lasttry: 0
/// nexttry: 0
/// retry: 0
/// lasterror:
/// ```
///
/// Values are percent-encoded (`%` and every byte outside printable ASCII, so CR, LF and UTF-8), which keeps
/// one field per line whatever an address or error text contains. `user` is absent for relayed mail. Keys
/// this version does not know are kept (`extraFields`) and written back after the known ones. A file that
/// lacks a required key, repeats one, or has a bad number is corrupt: the reader never guesses.
enum EnvelopeFileFormat {
    static let version = 1

    static func encode(_ envelope: QueuedEnvelope, id: EnvelopeID) -> [UInt8] {
        var lines: [(String, String)] = [
            ("version", String(version)),
            ("evpid", id.description),
            ("sender", envelope.sender),
            ("rcpt", envelope.rcpt),
            ("dest", envelope.dest),
            ("action", envelope.action),
            ("method", envelope.method),
            ("target", envelope.target),
        ]
        if let user = envelope.user { lines.append(("user", user)) }
        lines += [
            ("created", String(envelope.created)),
            ("expire", String(envelope.expire)),
            ("lasttry", String(envelope.lastTry)),
            ("nexttry", String(envelope.nextTry)),
            ("retry", String(envelope.retries)),
            ("lasterror", envelope.lastError),
        ]
        // Optional fields: written only when set, so simple envelopes stay short.
        func optional(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { lines.append((key, value)) }
        }
        optional("runas", envelope.deliveryUser)
        optional("home", envelope.home)
        optional("junk", envelope.junk ? "yes" : nil)
        optional("subaddress", envelope.subaddress)
        optional("notify", envelope.dsn.notify)
        optional("orcpt", envelope.dsn.originalRecipient)
        optional("ret", envelope.dsn.ret)
        optional("envid", envelope.dsn.envelopeID)
        optional("body", envelope.dsn.body)
        optional("smtputf8", envelope.dsn.smtputf8 ? "yes" : nil)
        optional("lastwarning", envelope.lastWarning == 0 ? nil : String(envelope.lastWarning))
        optional("bodysize", envelope.bodyCheck.map { String($0.size) })
        optional("bodysha256", envelope.bodyCheck?.sha256)
        for key in envelope.extraFields.keys.sorted() where !knownKeys.contains(key) && isValidKey(key) {
            lines.append((key, envelope.extraFields[key]!))
        }
        var out: [UInt8] = []
        for (key, value) in lines {
            out += key.utf8
            out += ": ".utf8
            out += percentEncode(value)
            out.append(0x0a)
        }
        return out
    }

    /// Parses a file's bytes; `expected` is the id its name gives, which the content must repeat.
    static func decode(_ bytes: [UInt8], expected: EnvelopeID) throws(EnvelopeParseError) -> QueuedEnvelope {
        guard bytes.last == 0x0a else { throw EnvelopeParseError("truncated (no final newline)") }
        var fields: [String: String] = [:]
        for line in bytes.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: 0x3a) else { throw EnvelopeParseError("line without ':'") }
            let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            guard isValidKey(key) else { throw EnvelopeParseError("bad key") }
            var valueStart = line.index(after: colon)
            if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart = line.index(after: valueStart) }
            guard let value = percentDecode(line[valueStart...]) else { throw EnvelopeParseError("bad value for \(key)") }
            guard fields.updateValue(value, forKey: key) == nil else { throw EnvelopeParseError("repeated key \(key)") }
        }
        func text(_ key: String) throws(EnvelopeParseError) -> String {
            guard let value = fields[key] else { throw EnvelopeParseError("missing \(key)") }
            return value
        }
        func number(_ key: String) throws(EnvelopeParseError) -> Int64 {
            guard let value = Int64(try text(key)), value >= 0 else { throw EnvelopeParseError("bad number for \(key)") }
            return value
        }
        guard try text("version") == String(version) else { throw EnvelopeParseError("unknown version") }
        guard EnvelopeID(hex: try text("evpid")) == expected else { throw EnvelopeParseError("evpid does not match file name") }
        func flag(_ key: String) throws(EnvelopeParseError) -> Bool {
            switch fields[key] {
            case nil: return false
            case "yes": return true
            default: throw EnvelopeParseError("bad value for \(key)")
            }
        }
        let lastWarning: Int64
        if fields["lastwarning"] != nil { lastWarning = try number("lastwarning") } else { lastWarning = 0 }
        let bodyCheck: BodyCheck?
        switch (fields["bodysize"], fields["bodysha256"]) {
        case (nil, nil):
            bodyCheck = nil
        case (.some, .some(let digest)):
            guard BodyCheck.isDigestText(digest) else { throw EnvelopeParseError("bad value for bodysha256") }
            bodyCheck = BodyCheck(size: try number("bodysize"), sha256: digest)
        default:
            throw EnvelopeParseError("bodysize and bodysha256 must come together")
        }
        let retries = try number("retry")
        guard retries <= Int64(Int32.max) else { throw EnvelopeParseError("bad number for retry") }
        return QueuedEnvelope(
            id: expected, sender: try text("sender"), rcpt: try text("rcpt"), dest: try text("dest"),
            action: try text("action"), method: try text("method"), target: try text("target"), user: fields["user"],
            created: try number("created"), expire: try number("expire"), lastTry: try number("lasttry"),
            nextTry: try number("nexttry"), retries: Int(retries), lastError: try text("lasterror"),
            deliveryUser: fields["runas"], home: fields["home"], junk: try flag("junk"), subaddress: fields["subaddress"],
            dsn: DSNFields(
                notify: fields["notify"] ?? "", originalRecipient: fields["orcpt"] ?? "", ret: fields["ret"] ?? "",
                envelopeID: fields["envid"] ?? "", body: fields["body"] ?? "", smtputf8: try flag("smtputf8")),
            lastWarning: lastWarning,
            bodyCheck: bodyCheck,
            extraFields: fields.filter { !knownKeys.contains($0.key) }
        )
    }

    static let knownKeys: Set<String> = [
        "version", "evpid", "sender", "rcpt", "dest", "action", "method", "target", "user", "created", "expire",
        "lasttry", "nexttry", "retry", "lasterror", "runas", "home", "junk", "subaddress", "notify", "orcpt", "ret",
        "envid", "body", "smtputf8", "lastwarning", "bodysize", "bodysha256",
    ]

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d || $0 == 0x5f }
    }

    private static func percentEncode(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in value.utf8 {
            if byte >= 0x20, byte < 0x7f, byte != 0x25 {
                out.append(byte)
            } else {
                out += "%".utf8
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0xf))
            }
        }
        return out
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10 }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x25 {
                guard bytes.endIndex - index >= 3,
                    let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                else { return nil }
                out.append(value)
                index += 3
            } else {
                guard byte >= 0x20, byte < 0x7f else { return nil }
                out.append(byte)
                index += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}

/// Why an envelope file was rejected; becomes `QueueError.corruptEnvelope` with the path.
struct EnvelopeParseError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
