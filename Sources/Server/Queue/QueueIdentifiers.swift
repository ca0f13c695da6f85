/// A queued message's id: 32 random non-zero bits, printed as 8 lowercase hex digits, as OpenSMTPD's
/// `queue_generate_msgid()` makes them, so `smtpctl show queue` output and logs look the same.
public struct MessageID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: UInt32

    public init?(rawValue: UInt32) {
        guard rawValue != 0 else { return nil }
        self.rawValue = rawValue
    }

    /// Parses exactly 8 hex digits (the queue's directory names).
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 8, hex.utf8.allSatisfy(\.isHexDigit), let value = UInt32(hex, radix: 16) else {
            return nil
        }
        self.init(rawValue: value)
    }

    /// A fresh random id; the queue checks it against the ones on disk.
    static func random() -> MessageID {
        MessageID(rawValue: UInt32.random(in: 1...UInt32.max))!
    }

    public var description: String { hex8(rawValue) }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An envelope's id: the message id in the high 32 bits and 32 random non-zero bits below, as OpenSMTPD's
/// `queue_generate_evpid()`, so the message an envelope belongs to is read from its id. 16 hex digits.
public struct EnvelopeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64

    public init?(rawValue: UInt64) {
        guard rawValue >> 32 != 0, rawValue & 0xffff_ffff != 0 else { return nil }
        self.rawValue = rawValue
    }

    /// Parses exactly 16 hex digits (the envelope file names).
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, hex.utf8.allSatisfy(\.isHexDigit), let value = UInt64(hex, radix: 16) else {
            return nil
        }
        self.init(rawValue: value)
    }

    static func random(in message: MessageID) -> EnvelopeID {
        EnvelopeID(rawValue: UInt64(message.rawValue) << 32 | UInt64(UInt32.random(in: 1...UInt32.max)))!
    }

    public var messageID: MessageID { MessageID(rawValue: UInt32(truncatingIfNeeded: rawValue >> 32))! }

    public var description: String { hex8(UInt32(truncatingIfNeeded: rawValue >> 32)) + hex8(UInt32(truncatingIfNeeded: rawValue)) }

    public static func < (lhs: EnvelopeID, rhs: EnvelopeID) -> Bool { lhs.rawValue < rhs.rawValue }
}

private func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x61...0x66).contains(self) || (0x41...0x46).contains(self)
    }
}
