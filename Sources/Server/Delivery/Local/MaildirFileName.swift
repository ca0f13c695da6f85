#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A unique maildir file name, as Dovecot writes and reads them:
/// `<seconds>.M<microseconds>P<pid>Q<count>R<random>.<host>,S=<size>,W=<virtual size>`.
///
/// - The left part follows the maildir spec's advice (time, then an id unique within this host and second).
/// - `S=` is the file's exact size, `W=` its size with CRLF line ends: Dovecot takes both from the name instead
///   of reading the file, so they must be right.
/// - In the host name `/`, `:` and `,` are written as `\057`, `\072` and `\054`, so that neither a path nor
///   the `:2,` info nor the `,S=` fields can be confused.
/// - Files in new/ carry no `:2,` info; a reader adds it when it moves them to cur/.
/// - SeeAlso: https://cr.yp.to/proto/maildir.html and Dovecot's "Maildir mailbox format" page.
struct MaildirFileName: Hashable, CustomStringConvertible {
    var seconds: Int
    var microseconds: Int
    var pid: Int32
    var count: UInt64
    var random: UInt32
    var host: String
    var size: Int
    var virtualSize: Int

    var description: String {
        let randomHex = String(random, radix: 16)
        let unique = "M\(microseconds)P\(pid)Q\(count)R\(String(repeating: "0", count: 8 - randomHex.count))\(randomHex)"
        return "\(seconds).\(unique).\(Self.escapedHost(host)),S=\(size),W=\(virtualSize)"
    }

    /// A fresh name for `message`, counting deliveries in this process so that two in one microsecond differ.
    static func make(for message: [UInt8]) -> MaildirFileName {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return MaildirFileName(
            seconds: now.tv_sec, microseconds: now.tv_nsec / 1000, pid: getpid(),
            count: deliveryCounter.withLock { count in
                count += 1
                return count
            },
            random: UInt32.random(in: 0...UInt32.max), host: hostName(), size: message.count,
            virtualSize: crlfSize(of: message))
    }

    /// The size with every bare LF counted as CRLF (Dovecot's virtual size).
    static func crlfSize(of message: [UInt8]) -> Int {
        var size = message.count
        var previous: UInt8 = 0
        for byte in message {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { size += 1 }
            previous = byte
        }
        return size
    }

    static func escapedHost(_ host: String) -> String {
        var escaped = ""
        for character in host {
            switch character {
            case "/": escaped += "\\057"
            case ":": escaped += "\\072"
            case ",": escaped += "\\054"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func hostName() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        guard buffer.withUnsafeMutableBytes({ gethostname($0.baseAddress!, $0.count - 1) }) == 0 else {
            return "localhost"
        }
        let name = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    private static let deliveryCounter = Locked<UInt64>(0)
}
