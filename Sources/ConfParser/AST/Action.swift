/// An `action NAME METHOD [options] [ttl DELAY]` statement (a dispatcher, in OpenSMTPD's words).
public struct Action: Sendable, Hashable {
    public enum Method: Sendable, Hashable {
        case mbox
        /// `maildir`, `maildir junk`, `maildir "PATH"`, `maildir "PATH" junk`.
        case maildir(path: String?, junk: Bool)
        /// `lmtp "DEST" [rcpt-to]`: DEST is `host:port` or a unix socket path.
        case lmtp(destination: String, rcptTo: Bool)
        case mda(command: String)
        case forwardOnly
        case expandOnly
        case relay

        public var isLocal: Bool {
            if case .relay = self { return false }
            return true
        }
    }

    public enum RelayTLS: Sendable, Hashable {
        case required
        case requiredNoVerify
    }

    public var name: String
    public var method: Method

    // Local delivery options.
    public var user: String?
    public var alias: TableRef?
    public var virtual: TableRef?
    public var userbase: TableRef?
    public var wrapper: String?

    // Relay options.
    public var helo: String?
    public var heloSource: TableRef?
    public var pki: String?
    public var ca: String?
    public var source: TableRef?
    public var mailFrom: String?
    public var backup: Bool
    public var backupMX: String?
    /// `host T`: smarthost relay URLs.
    public var host: TableRef?
    /// `domain T`: a domain → relay URL mapping used instead of MX.
    public var domain: TableRef?
    public var tls: RelayTLS?
    public var auth: TableRef?
    public var filter: FilterRef?
    public var srs: Bool
    /// [7.x]
    public var ciphers: String?
    public var protocols: String?

    /// `ttl DELAY`, as written (`4d`), and in seconds.
    public var ttl: Delay?

    public var location: SourceLocation

    public init(name: String, method: Method, location: SourceLocation = .unknown) {
        self.name = name
        self.method = method
        self.backup = false
        self.srs = false
        self.location = location
    }
}

/// A duration written as digits and one unit letter (`30s`, `10m`, `4h`, `2d`).
public struct Delay: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var seconds: Int

    public init(text: String, seconds: Int) {
        self.text = text
        self.seconds = seconds
    }

    /// OpenSMTPD's `delaytonum`: at least one digit and a unit among s, m, h, d; 1 ≤ value ≤ INT_MAX/unit.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2 else { return nil }
        let factor: Int
        switch bytes.last! {
        case UInt8(ascii: "s"): factor = 1
        case UInt8(ascii: "m"): factor = 60
        case UInt8(ascii: "h"): factor = 3600
        case UInt8(ascii: "d"): factor = 86400
        default: return nil
        }
        guard let value = StrictInteger.parse(bytes.dropLast(), min: 1, max: Int(Int32.max) / factor) else {
            return nil
        }
        self.text = text
        self.seconds = value * factor
    }

    public var description: String { text }
}

/// strtonum(3)-like parsing: optional sign, decimal digits, range-checked; anything else fails.
enum StrictInteger {
    static func parse<C: Collection>(_ bytes: C, min: Int, max: Int) -> Int? where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        var negative = false
        var sawDigit = false
        var value = 0
        var first = true
        while let b = iterator.next() {
            defer { first = false }
            if first && (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")) {
                negative = b == UInt8(ascii: "-")
                continue
            }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            sawDigit = true
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = a
        }
        guard sawDigit else { return nil }
        if negative { value = -value }
        guard value >= min && value <= max else { return nil }
        return value
    }
}
