#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One message in mbox form, as mail.local writes it (mboxo):
/// - a `From <sender> <ctime date>` line, the null sender written `MAILER-DAEMON`;
/// - every line beginning with `From ` quoted as `>From ` (mail.local quotes only those after an empty line;
///   quoting them all, as mail.mboxfile does, keeps readers that split on any `From ` line, such as Python's
///   mailbox module, from cutting the message);
/// - a final newline if the message lacked one, then the empty line that separates messages.
enum MboxFormat {
    static func entry(for message: [UInt8], sender: String, date: time_t) -> [UInt8] {
        var out = fromLine(sender: sender, date: date)
        out.reserveCapacity(out.count + message.count + message.count / 50 + 2)
        var atLineStart = true
        var index = message.startIndex
        while index < message.endIndex {
            if atLineStart && message[index...].starts(with: fromPrefix) { out.append(UInt8(ascii: ">")) }
            let byte = message[index]
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            index += 1
        }
        if !message.isEmpty && !atLineStart { out.append(UInt8(ascii: "\n")) }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    static func fromLine(sender: String, date: time_t) -> [UInt8] {
        var time = date
        var buffer = [CChar](repeating: 0, count: 64)
        // ctime's text ends in a newline, which ends the From_ line.
        let text = ctime_r(&time, &buffer).map { String(cString: $0) } ?? "Thu Jan  1 00:00:00 1970\n"
        return Array("From \(sender.isEmpty ? "MAILER-DAEMON" : sender) \(text)".utf8)
    }

    private static let fromPrefix = Array("From ".utf8)
}
