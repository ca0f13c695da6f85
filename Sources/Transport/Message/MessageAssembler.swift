/// Turns the lines of a received message into the bytes Tern queues, and decides whether to accept it.
///
/// Input: content lines (DATA lines already dot-unstuffed, or BDAT lines), without line ends. Output: the
/// Received header, then the lines with LF ends (Tern's queue, like OpenSMTPD's, stores LF; the relay client
/// writes CRLF and dot-stuffing back), Bcc fields removed, and Date and Message-ID added at the end of the
/// header section when asked for and missing (OpenSMTPD does this for local and port-587 submissions).
///
/// Once a failure is found nothing more is produced, but the lines are still read (and counted) until the end,
/// as OpenSMTPD does, so that the reply comes after the whole message.
struct MessageAssembler: Sendable {
    enum Failure: Hashable, Sendable {
        /// Over `max-message-size`.
        case tooBig
        /// 100 or more Received fields (OpenSMTPD's `MAX_HOPS_COUNT`).
        case loop
        /// Not readable by the header rules.
        case malformed
        /// A NUL octet.
        case nul
        /// A BDAT framing problem.
        case framing(SMTPLineFramer.Failure)
    }

    static let maximumReceivedHeaders = 100

    private(set) var failure: Failure?
    /// Content octets so far, counted as OpenSMTPD counts them: each line plus one for its end.
    private(set) var size = 0
    private(set) var output: [UInt8] = []
    private var scanner: RFC5322HeaderScanner
    private let maximumSize: Int
    /// The Date and Message-ID field lines to add when missing, or nil.
    private let missingHeaders: (date: String, messageID: String)?

    /// The MAIL FROM address that replaces the From field's addresses (`senders … masquerade`), or nil.
    private let masqueradeSender: String?
    /// The From field being read, held back until it is complete so that it can be rewritten.
    private var pendingFrom: [UInt8]?

    init(maximumSize: Int, stripsBcc: Bool, prefix: String, missingHeaders: (date: String, messageID: String)?,
        masqueradeSender: String? = nil)
    {
        self.maximumSize = maximumSize
        self.scanner = RFC5322HeaderScanner(stripsBcc: stripsBcc, marksFrom: masqueradeSender != nil)
        self.missingHeaders = missingHeaders
        self.masqueradeSender = masqueradeSender
        output.append(contentsOf: prefix.utf8)
    }

    mutating func fail(_ failure: Failure) {
        if self.failure == nil { self.failure = failure }
        output.removeAll()
    }

    mutating func append(line: ArraySlice<UInt8>) {
        size += line.count + 1
        if size > maximumSize { fail(.tooBig) }
        guard failure == nil else { return }
        if line.contains(0) { return fail(.nul) }
        let event = scanner.scan(line)
        if event == .from {
            let startsField = line.first != ByteClass.space && line.first != ByteClass.tab
            if startsField { flushFrom() }
            if pendingFrom == nil { pendingFrom = [] } else { pendingFrom!.append(ByteClass.lf) }
            pendingFrom!.append(contentsOf: line)
            return
        }
        flushFrom()
        switch event {
        case .header:
            if scanner.receivedCount >= Self.maximumReceivedHeaders { return fail(.loop) }
            emit(line)
        case .dropped, .from:
            break
        case .endOfHeaders:
            addMissingHeaders()
            emit(line)
        case .body:
            emit(line)
        case .malformed:
            fail(.malformed)
        }
    }

    /// Writes the held From field with its addresses replaced by the MAIL FROM address.
    private mutating func flushFrom() {
        guard let field = pendingFrom, let sender = masqueradeSender else { return }
        pendingFrom = nil
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { return emit(field[...]) }
        let value = String(decoding: field[(colon + 1)...], as: UTF8.self)
        var rewritten = Array(field[...colon])
        rewritten += Array(FromMasquerade.rewrite(value, sender: sender).utf8)
        emit(rewritten[...])
    }

    /// The end of the message.
    mutating func finish() {
        guard failure == nil else { return }
        flushFrom()
        if scanner.finish() { addMissingHeaders() }
    }

    /// Hands out what was produced so far.
    mutating func takeOutput() -> [UInt8] {
        defer { output.removeAll(keepingCapacity: true) }
        return output
    }

    private mutating func emit(_ line: ArraySlice<UInt8>) {
        output.append(contentsOf: line)
        output.append(ByteClass.lf)
    }

    private mutating func addMissingHeaders() {
        guard let missingHeaders else { return }
        if !scanner.hasDate { output.append(contentsOf: "Date: \(missingHeaders.date)\n".utf8) }
        if !scanner.hasMessageID { output.append(contentsOf: "Message-ID: \(missingHeaders.messageID)\n".utf8) }
    }
}
