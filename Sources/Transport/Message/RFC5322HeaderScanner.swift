/// A line-at-a-time reader of a message's header section, with the rules of OpenSMTPD's `rfc5322.c`.
///
/// A line holding `:` starts a field (its name is everything before the first `:`, unchecked, under 1023
/// bytes); a line starting with a space or tab continues the current field; the first other line ends the header
/// section and must be empty, or the message "is not RFC 2822 compliant". OpenSMTPD rejects such messages with
/// 550, so a bare `hello` with no header is refused; an empty message is accepted.
///
/// The session only needs a few facts from the headers: whether Date and Message-ID are present (to add them to
/// submissions), how many Received fields there are (loop detection), and which lines belong to Bcc, which
/// OpenSMTPD drops from every message.
struct RFC5322HeaderScanner: Sendable {
    enum Event: Equatable {
        /// A field or continuation line to keep.
        case header
        /// A line of a field that is dropped (Bcc).
        case dropped
        /// A line of a From field, when the scanner was asked to single them out (masquerading).
        case from
        /// The header section is over; `line` is the empty separator line (nil at end of message), which is kept.
        case endOfHeaders
        /// A body line.
        case body
        /// The header section is malformed.
        case malformed
    }

    /// OpenSMTPD's header name buffer (`bufmax` 1024, NUL included).
    static let maximumNameLength = 1022

    private enum State { case headers, body }
    private enum Field { case none, ordinary, bcc, from }

    private var state = State.headers
    private var field = Field.none
    private(set) var receivedCount = 0
    private(set) var hasDate = false
    private(set) var hasMessageID = false
    let stripsBcc: Bool
    let marksFrom: Bool

    init(stripsBcc: Bool, marksFrom: Bool = false) {
        self.stripsBcc = stripsBcc
        self.marksFrom = marksFrom
    }

    var inHeaders: Bool { state == .headers }

    mutating func scan(_ line: ArraySlice<UInt8>) -> Event {
        guard state == .headers else { return .body }
        if field != .none, let first = line.first, first == ByteClass.space || first == ByteClass.tab {
            switch field {
            case .bcc: return .dropped
            case .from: return .from
            default: return .header
            }
        }
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = line[..<colon]
            guard name.count <= Self.maximumNameLength else { return .malformed }
            field = .ordinary
            if stripsBcc, ByteClass.equal(name, caseInsensitive: "Bcc") {
                field = .bcc
                return .dropped
            }
            if marksFrom, ByteClass.equal(name, caseInsensitive: "From") {
                field = .from
                return .from
            }
            if ByteClass.equal(name, caseInsensitive: "Received") {
                receivedCount += 1
            } else if ByteClass.equal(name, caseInsensitive: "Date") {
                hasDate = true
            } else if ByteClass.equal(name, caseInsensitive: "Message-Id") {
                hasMessageID = true
            }
            return .header
        }
        state = .body
        return line.isEmpty ? .endOfHeaders : .malformed
    }

    /// The message ended while still in the header section (no blank line): that is fine.
    mutating func finish() -> Bool {
        defer { state = .body }
        return state == .headers
    }
}
