/// Cuts the client's byte stream into CRLF-terminated lines, and hands out raw byte counts for BDAT chunks.
///
/// A pure value: feed it bytes with ``append(_:)``, take lines with ``nextLine(maximumLength:)`` and chunk bytes
/// with ``nextBytes(upTo:)``. What it still holds after a command (``bufferedByteCount``) is what the STARTTLS
/// defence discards.
///
/// **Strict CRLF, and why (SMTP smuggling).** RFC 5321 §2.3.8 allows CR and LF only together, as CRLF.
/// OpenSMTPD (like many servers) ends a line at any LF and drops one CR before it, so it reads `<LF>.<LF>` as the
/// end of a message: that disagreement between servers is what SMTP smuggling (SEC Consult, December 2023)
/// exploits. Tern **rejects** instead of normalising: the first LF not preceded by CR, or CR not followed by LF,
/// is a ``Failure/bareLineFeed`` or ``Failure/bareCarriageReturn``, and the session answers
/// `500`/`554 5.5.2 Syntax error: bare <LF> received` and closes the connection. Normalising would have to guess
/// where the client thought a line ended, and would let Tern relay bare line ends it had accepted to a server
/// that reads them differently; rejecting leaves nothing to guess, and a well-behaved client never notices.
/// Consequently only `CRLF . CRLF` ends DATA: the `.` line must be a whole line, which the previous line's CRLF
/// (or the DATA command's) started.
///
/// **Line limits.** OpenSMTPD reads lines of up to `SMTP_LINE_MAX` (65535) bytes, LF included, and copies
/// commands into a 2048-byte buffer; longer lines get `500 5.0.0 Line too long` / `Command line too long` and a
/// disconnect. The session passes 2047 (commands, AUTH lines) and 65533 (message lines, CRLF excluded) here,
/// the same tolerance, far above RFC 5321 §4.5.3.1's 512 and 1000. The failure is reported as soon as the limit
/// is passed, without waiting for a line end that may never come.
public struct SMTPLineFramer: Sendable {
    public enum Failure: Error, Hashable, Sendable {
        /// An LF not preceded by CR.
        case bareLineFeed
        /// A CR followed by anything but LF.
        case bareCarriageReturn
        /// More than the allowed bytes before the CRLF.
        case lineTooLong
    }

    private var buffer: [UInt8] = []
    /// Start of the unread bytes.
    private var readIndex = 0
    /// Bytes in `readIndex..<scanIndex` are known to hold no CR or LF.
    private var scanIndex = 0
    private var failure: Failure?

    public init() {}

    /// Bytes received and not yet handed out.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes from raw memory (a `ByteBuffer`'s readable view, for example).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, without its CRLF.
    /// - Parameter maximumLength: the most bytes a line may hold before its CRLF.
    /// - Returns: nil when more bytes are needed; a failure is final (every later call returns it again).
    public mutating func nextLine(maximumLength: Int) -> Result<ArraySlice<UInt8>, Failure>? {
        if let failure { return .failure(failure) }
        var index = max(scanIndex, readIndex)
        while index < buffer.count {
            let byte = buffer[index]
            if byte == ByteClass.lf { return fail(.bareLineFeed) }
            if byte == ByteClass.cr {
                guard index + 1 < buffer.count else { break }
                guard buffer[index + 1] == ByteClass.lf else { return fail(.bareCarriageReturn) }
                let line = buffer[readIndex..<index]
                readIndex = index + 2
                scanIndex = readIndex
                return .success(line)
            }
            index += 1
            if index - readIndex > maximumLength { return fail(.lineTooLong) }
        }
        scanIndex = index
        return nil
    }

    /// Up to `count` raw bytes (BDAT chunk data), with no line rules applied.
    /// - Returns: nil when nothing is buffered or `count` is 0.
    public mutating func nextBytes(upTo count: Int) -> ArraySlice<UInt8>? {
        let available = min(count, bufferedByteCount)
        guard available > 0 else { return nil }
        let bytes = buffer[readIndex..<readIndex + available]
        readIndex += available
        scanIndex = readIndex
        return bytes
    }

    /// Drops everything buffered (bytes pipelined after STARTTLS or QUIT).
    /// - Returns: how many bytes were dropped.
    @discardableResult
    public mutating func discardBufferedBytes() -> Int {
        let count = bufferedByteCount
        buffer.removeAll(keepingCapacity: true)
        readIndex = 0
        scanIndex = 0
        return count
    }

    private mutating func fail(_ failure: Failure) -> Result<ArraySlice<UInt8>, Failure> {
        self.failure = failure
        return .failure(failure)
    }

    /// Forgets consumed bytes before the buffer grows, so memory follows what is unread.
    private mutating func compact() {
        guard readIndex > 0 else { return }
        buffer.removeSubrange(0..<readIndex)
        scanIndex -= readIndex
        readIndex = 0
    }
}
