public import NIOCore

// The only NIO-aware code of the protocol layer: adapters between `ByteBuffer` and the pure types, which work on
// byte arrays so that the fuzzers can compile them without NIO.

extension ByteBuffer {
    /// Writes a reply in wire form.
    /// - Returns: the number of bytes written.
    @discardableResult
    public mutating func writeSMTPReply(_ reply: SMTPReply) -> Int {
        writeBytes(reply.encoded)
    }

    /// Writes a command line and its CRLF (relay client).
    /// - Returns: the number of bytes written.
    @discardableResult
    public mutating func writeSMTPCommand(_ command: SMTPCommand) -> Int {
        writeBytes(command.encoded)
    }
}

extension SMTPSessionStateMachine {
    /// Feeds the readable bytes of `buffer` (without copying them into an intermediate array).
    public mutating func receive(_ buffer: ByteBuffer) -> [SMTPSessionAction] {
        buffer.withUnsafeReadableBytes { receive($0) }
    }
}

extension SMTPLineFramer {
    /// Adds the readable bytes of `buffer`.
    public mutating func append(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { append($0) }
    }
}
