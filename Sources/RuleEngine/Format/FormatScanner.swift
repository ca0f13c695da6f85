/// Cuts a template into the pieces OpenSMTPD's expansion loop sees, left to right.
///
/// The expander and the validator both walk these pieces, so they agree on what is a token. The order matters:
/// OpenSMTPD stops at the first failing token, so an unterminated `%{` after a bad token is never reached.
struct FormatScanner: IteratorProtocol, Sendable {
    struct Piece: Sendable {
        enum Kind: Sendable {
            /// A leading `~/`: the home directory followed by `/`.
            case homePrefix
            /// A byte copied as is (a lone `%` included); `%%` arrives as one `%`.
            case literal(UInt8)
            /// The text between `%{` and `}`.
            case token(ArraySlice<UInt8>)
            /// A `%{` with no `}` after it: OpenSMTPD abandons the whole expansion. Always the last piece.
            case unterminated
            /// A token of `FormatScanner.maximumTokenLength + 1` bytes or more: also abandons the expansion.
            case tokenTooLong(length: Int)
        }

        var kind: Kind
        /// Where the piece starts in the template's UTF-8 (the `%` of a `%{`).
        var offset: Int
    }

    /// The longest token OpenSMTPD copies into its 128-byte buffer together with the closing `}`.
    static let maximumTokenLength = FormatBytes.tokenBufferSize - 2

    private let bytes: [UInt8]
    private var position = 0
    private var finished = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> Piece? {
        guard !finished, position < bytes.count else { return nil }
        let start = position
        // `~/` is the home directory only at the very start; elsewhere it is plain text.
        if start == 0 && bytes.starts(with: [UInt8(ascii: "~"), UInt8(ascii: "/")]) {
            position = 2
            return Piece(kind: .homePrefix, offset: start)
        }
        let byte = bytes[start]
        let following = start + 1 < bytes.count ? bytes[start + 1] : nil
        guard byte == UInt8(ascii: "%"), let following, following == UInt8(ascii: "%") || following == UInt8(ascii: "{")
        else {
            position += 1
            return Piece(kind: .literal(byte), offset: start)
        }
        if following == UInt8(ascii: "%") {
            position += 2
            return Piece(kind: .literal(byte), offset: start)
        }
        guard let close = bytes[(start + 2)...].firstIndex(of: UInt8(ascii: "}")) else {
            finished = true
            return Piece(kind: .unterminated, offset: start)
        }
        let length = close - (start + 2)
        guard length <= Self.maximumTokenLength else {
            finished = true
            return Piece(kind: .tokenTooLong(length: length), offset: start)
        }
        position = close + 1
        return Piece(kind: .token(bytes[(start + 2)..<close]), offset: start)
    }
}
