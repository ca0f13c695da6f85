/// An RFC 3463 enhanced status code (`class.subject.detail`), sent after the reply code because Tern advertises
/// ENHANCEDSTATUSCODES (RFC 2034 §3).
///
/// The named constants are the ones OpenSMTPD's `esc.c` knows, with its descriptions: OpenSMTPD writes most
/// replies as `CODE CLASS.SUBJECT.DETAIL Description: text`, and Tern keeps those texts byte for byte.
/// - SeeAlso: [RFC 3463 §3](https://www.rfc-editor.org/rfc/rfc3463#section-3)
public struct EnhancedStatusCode: Hashable, Sendable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    public var statusClass: Int
    public var subject: Int
    public var detail: Int

    public init(_ statusClass: Int, _ subject: Int, _ detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// The wire form, e.g. `5.5.1`.
    public var description: String { "\(statusClass).\(subject).\(detail)" }

    /// Reads `class.subject.detail` (RFC 3463 §2: class one digit in 2, 4, 5; subject and detail 1 to 3 digits).
    /// - Parameter text: the code alone, without surrounding spaces.
    /// - Returns: the code, or nil when `text` is not one.
    public static func parse(_ text: Substring) -> EnhancedStatusCode? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts[0].count == 1, let statusClass = Int(parts[0]), [2, 4, 5].contains(statusClass),
            (1...3).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit), let subject = Int(parts[1]),
            (1...3).contains(parts[2].count), parts[2].allSatisfy(\.isASCIIDigit), let detail = Int(parts[2])
        else { return nil }
        return EnhancedStatusCode(statusClass, subject, detail)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The subject.detail pairs OpenSMTPD uses (`enum enhanced_status_code` in `smtpd-api.h`) and the text
/// `esc_description()` gives for each (`esc.c`). Replies built from them read `5.5.1 Invalid command: …`.
public enum StatusDetail: Int, Sendable, CaseIterable {
    case otherStatus = 0
    case otherAddressStatus = 10
    case badDestinationMailboxAddressSyntax = 13
    case destinationAddressValid = 15
    case mailingListExpansionProblem = 24
    case otherMailSystemStatus = 30
    case mailSystemFull = 31
    case messageTooBigForSystem = 34
    case badConnection = 42
    case routingLoopDetected = 46
    case invalidCommand = 51
    case syntaxError = 52
    case tooManyRecipients = 53
    case invalidCommandArguments = 54
    case otherMediaError = 60
    case nonASCIIAddressesNotPermitted = 67
    case otherSecurityStatus = 70
    case deliveryNotAuthorizedMessageRefused = 71
    case securityFeaturesNotSupported = 74

    /// OpenSMTPD's `esc_description()` text (RFC 3463 / RFC 6531 §3.7.4.1 for X.6.7).
    public var text: String {
        switch self {
        case .otherStatus: "Other/Undefined"
        case .otherAddressStatus: "Other/Undefined address status"
        case .badDestinationMailboxAddressSyntax: "Bad destination mailbox address syntax"
        case .destinationAddressValid: "Destination address valid"
        case .mailingListExpansionProblem: "Mailing list expansion problem"
        case .otherMailSystemStatus: "Other/Undefined mail system status"
        case .mailSystemFull: "Mail system full"
        case .messageTooBigForSystem: "Message too big for system"
        case .badConnection: "Bad connection"
        case .routingLoopDetected: "Routing loop detected"
        case .invalidCommand: "Invalid command"
        case .syntaxError: "Syntax error"
        case .tooManyRecipients: "Too many recipients"
        case .invalidCommandArguments: "Invalid command arguments"
        case .otherMediaError: "Other/Undefined media error"
        case .nonASCIIAddressesNotPermitted: "Non-ASCII addresses not permitted for that sender/recipient"
        case .otherSecurityStatus: "Other/Undefined security status"
        case .deliveryNotAuthorizedMessageRefused: "Delivery not authorized, message refused"
        case .securityFeaturesNotSupported: "Security features not supported"
        }
    }
}

extension EnhancedStatusCode {
    /// OpenSMTPD's `esc_code(class, code)`: the two-digit code split into subject and detail.
    public init(_ statusClass: Int, _ detail: StatusDetail) {
        self.init(statusClass, detail.rawValue / 10, detail.rawValue % 10)
    }
}
