/// One line of DATA content after the framer, read as RFC 5321 §4.5.2 defines it.
public enum DataLine: Hashable, Sendable {
    /// The lone `.` that ends the message.
    case endOfData
    /// A content line with its transparency dot removed (`..x` becomes `.x`).
    case content(ArraySlice<UInt8>)

    /// Applies dot-unstuffing to a framed line (CRLF already removed).
    public init(_ line: ArraySlice<UInt8>) {
        if line.count == 1, line.first == UInt8(ascii: ".") {
            self = .endOfData
        } else if line.first == UInt8(ascii: ".") {
            self = .content(line.dropFirst())
        } else {
            self = .content(line)
        }
    }

    /// The client side: the line with a dot added when it starts with one (RFC 5321 §4.5.2).
    public static func stuff(_ line: some Collection<UInt8>, into buffer: inout [UInt8]) {
        if line.first == UInt8(ascii: ".") { buffer.append(UInt8(ascii: ".")) }
        buffer.append(contentsOf: line)
        buffer.append(contentsOf: [ByteClass.cr, ByteClass.lf])
    }
}
