/// `RET=` of MAIL FROM: how much of the message a bounce returns (RFC 3461 §4.3).
public enum DSNReturn: String, Hashable, Sendable {
    case full = "FULL"
    case headers = "HDRS"
}

/// `NOTIFY=` of RCPT TO (RFC 3461 §4.1), kept as OpenSMTPD keeps it: a set of flags, where `never` may not be
/// combined with the others.
public struct DSNNotify: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let success = DSNNotify(rawValue: 1)
    public static let failure = DSNNotify(rawValue: 2)
    public static let delay = DSNNotify(rawValue: 4)
    public static let never = DSNNotify(rawValue: 8)

    static let names: [(DSNNotify, String)] = [(.success, "SUCCESS"), (.failure, "FAILURE"), (.delay, "DELAY"),
        (.never, "NEVER")]

    /// The comma list (`SUCCESS,FAILURE`).
    public var wireValue: String { Self.names.filter { contains($0.0) }.map(\.1).joined(separator: ",") }
}

/// `ORCPT=addr-type;xtext` of RCPT TO (RFC 3461 §4.2): the recipient as the original sender wrote it.
public struct OriginalRecipient: Hashable, Sendable {
    /// Usually `rfc822`.
    public var addressType: String
    /// The decoded address.
    public var address: String

    public init(addressType: String, address: String) {
        self.addressType = addressType
        self.address = address
    }

    /// RFC 3461 §4.2 limits the parameter to 500 characters.
    static let maximumLength = 500

    /// Parses the value after `ORCPT=` as OpenSMTPD 7.x does: an atom, `;`, valid xtext.
    static func parse(_ value: ArraySlice<UInt8>) -> OriginalRecipient? {
        guard value.count <= maximumLength, let semicolon = value.firstIndex(of: UInt8(ascii: ";")) else {
            return nil
        }
        let type = value[..<semicolon]
        guard !type.isEmpty, type.allSatisfy({ ByteClass.isAtext($0) }),
            let decoded = XText.decode(value[value.index(after: semicolon)...]), !decoded.isEmpty,
            let address = String(validating: decoded, as: UTF8.self)
        else { return nil }
        return OriginalRecipient(addressType: ByteClass.string(type), address: address)
    }

    /// `addr-type;xtext`.
    public var wireValue: String { "\(addressType);\(XText.encode(address.utf8))" }
}

/// `BODY=` of MAIL FROM (RFC 6152, RFC 3030 §3).
public enum BodyType: String, Hashable, Sendable {
    case sevenBit = "7BIT"
    case eightBitMIME = "8BITMIME"
    /// Only with CHUNKING and an advertised BINARYMIME, which Tern does not offer.
    case binaryMIME = "BINARYMIME"
}
