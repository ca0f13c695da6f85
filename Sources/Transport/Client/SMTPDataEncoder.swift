/// Turns a queued body into DATA's wire form.
///
/// The queue stores the bytes as received, with LF line ends and dot-stuffing removed. On the wire every line
/// ends in CRLF (RFC 5321 §2.3.8), a line starting with `.` gets a second one (§4.5.2), and `.` CRLF ends the
/// data. A CR already before an LF is kept (a body that holds CRLF does not become CR CR LF); a lone CR, which
/// Tern's own server never accepts, is sent as CRLF so that no peer can read it as a line end of its own
/// choosing (SMTP smuggling). A body that does not end with a line end gets one.
public enum SMTPDataEncoder {
    /// The body, stuffed and with CRLF line ends, followed by the terminating `.` line.
    public static func encode(_ body: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count + body.count / 32 + 5)
        var atLineStart = true
        var pendingCR = false
        for byte in body {
            if pendingCR {
                pendingCR = false
                output.append(contentsOf: [ByteClass.cr, ByteClass.lf])
                atLineStart = true
                if byte == ByteClass.lf { continue }
            }
            switch byte {
            case ByteClass.cr:
                pendingCR = true
            case ByteClass.lf:
                output.append(contentsOf: [ByteClass.cr, ByteClass.lf])
                atLineStart = true
            default:
                if atLineStart && byte == UInt8(ascii: ".") { output.append(byte) }
                output.append(byte)
                atLineStart = false
            }
        }
        if pendingCR || !atLineStart { output.append(contentsOf: [ByteClass.cr, ByteClass.lf]) }
        output.append(contentsOf: [UInt8(ascii: "."), ByteClass.cr, ByteClass.lf])
        return output
    }
}
