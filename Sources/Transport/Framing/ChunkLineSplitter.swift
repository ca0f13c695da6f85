/// Cuts BDAT chunk data into lines for the message pipeline, with the same CRLF rules as ``SMTPLineFramer``.
///
/// BDAT cannot be smuggled through (its length is counted, RFC 3030 §2), but Tern stores messages with LF line
/// ends and relays them with CRLF, so a bare CR or LF accepted here would reappear as a real line end on the next
/// hop. The same rejection as in DATA keeps every stored message unambiguous. A CRLF split between two chunks
/// is fine. Unlike DATA, a failure does not cost the connection: the byte count keeps both sides in step.
struct ChunkLineSplitter: Sendable {
    private var partial: [UInt8] = []
    private var pendingCR = false
    private(set) var failure: SMTPLineFramer.Failure?
    let maximumLength: Int

    init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    /// Feeds chunk bytes; `line` receives each complete line without CRLF.
    mutating func feed(_ bytes: ArraySlice<UInt8>, line: (ArraySlice<UInt8>) -> Void) {
        var index = bytes.startIndex
        while index < bytes.endIndex, failure == nil {
            if pendingCR {
                guard bytes[index] == ByteClass.lf else {
                    failure = .bareCarriageReturn
                    return
                }
                pendingCR = false
                line(partial[...])
                partial.removeAll(keepingCapacity: true)
                index += 1
                continue
            }
            let stop = bytes[index...].firstIndex { $0 == ByteClass.cr || $0 == ByteClass.lf } ?? bytes.endIndex
            partial.append(contentsOf: bytes[index..<stop])
            if partial.count > maximumLength {
                failure = .lineTooLong
                return
            }
            guard stop < bytes.endIndex else { return }
            if bytes[stop] == ByteClass.lf {
                failure = .bareLineFeed
                return
            }
            pendingCR = true
            index = stop + 1
        }
    }

    /// The end of the last chunk: a final line without CRLF is still a line; a CR left hanging is bare.
    mutating func finish(line: (ArraySlice<UInt8>) -> Void) {
        guard failure == nil else { return }
        if pendingCR {
            failure = .bareCarriageReturn
            return
        }
        if !partial.isEmpty { line(partial[...]) }
        partial.removeAll()
    }
}
