/// The header lines OpenSMTPD's mda process writes in front of every local delivery (mda.c, `IMSG_MDA_OPEN_MESSAGE`)
/// and the checks it makes on the message's own header.
enum DeliveryHeaders {
    /// `Return-Path: <sender>` (left out for the null sender) and `Delivered-To: rcpt`, LF-terminated like the body.
    static func prefix(sender: String, rcpt: String) -> [UInt8] {
        var text = ""
        if !sender.isEmpty { text += "Return-Path: <\(sender)>\n" }
        text += "Delivered-To: \(rcpt)\n"
        return Array(text.utf8)
    }

    /// OpenSMTPD's loop check: a `Delivered-To:` header in the message equal (ignoring case) to the address being
    /// delivered to means the message went round and must not be delivered again.
    static func hasLoop(in message: [UInt8], dest: String) -> Bool {
        let wanted = dest.lowercased()
        return headerLines(of: message).contains { line in
            guard line.count >= 14, lowercased(line.prefix(14)) == "delivered-to: " else { return false }
            return lowercased(line.dropFirst(14)) == wanted
        }
    }

    /// mail.maildir's junk test: a header line that reads exactly `X-Spam: yes` or `X-Spam-Flag: yes`, ignoring case.
    static func isMarkedAsSpam(_ message: [UInt8]) -> Bool {
        headerLines(of: message).contains { line in
            let text = lowercased(line)
            return text == "x-spam: yes" || text == "x-spam-flag: yes"
        }
    }

    /// The lines up to the first empty one, without their line ends. A line with neither a colon nor leading white
    /// space also ends the header, as in OpenSMTPD's loop check.
    static func headerLines(of message: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = message.startIndex
        while start < message.endIndex {
            let end = message[start...].firstIndex(of: UInt8(ascii: "\n")) ?? message.endIndex
            var line = message[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty { break }
            let continues = line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t")
            if !continues && !line.contains(UInt8(ascii: ":")) { break }
            lines.append(line)
            start = end + 1
        }
        return lines
    }

    private static func lowercased(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self).lowercased()
    }
}
