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

    init(maximumSize: Int, stripsBcc: Bool, prefix: String, missingHeaders: (date: String, messageID: String)?) {
        self.maximumSize = maximumSize
        self.scanner = RFC5322HeaderScanner(stripsBcc: stripsBcc)
        self.missingHeaders = missingHeaders
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
        switch scanner.scan(line) {
        case .header:
            if scanner.receivedCount >= Self.maximumReceivedHeaders { return fail(.loop) }
            emit(line)
        case .dropped:
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

    /// The end of the message.
    mutating func finish() {
        guard failure == nil else { return }
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
