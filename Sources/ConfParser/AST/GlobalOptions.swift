/// Everything set by the global statements: smtp, queue, mta, mda, scheduler, bounce, srs and admd.
///
/// Optional fields are nil when the configuration did not set them; `Defaults` holds OpenSMTPD's values.
public struct GlobalOptions: Sendable, Hashable {
    public struct Limit: Sendable, Hashable {
        public var key: String
        public var value: Int
        public init(key: String, value: Int) {
            self.key = key
            self.value = value
        }
    }

    /// One `mta limit [for domain D] …` statement.
    public struct MTALimits: Sendable, Hashable {
        public enum Item: Sendable, Hashable {
            case inet4
            case inet6
            case limit(Limit)
        }
        public var domain: String?
        public var items: [Item]
        public init(domain: String?, items: [Item]) {
            self.domain = domain
            self.items = items
        }
    }

    public enum QueueEncryption: Sendable, Hashable {
        /// `queue encryption`: the key is asked for at start-up.
        case prompt
        /// `queue encryption stdin` or `-`.
        case stdin
        case key(String)
    }

    public var smtpMaxRcpt: Int?
    public var smtpMaxMails: Int?
    /// `smtp max-message-size`, in bytes, and how it was written.
    public var smtpMaxMessageSize: Int?
    public var smtpMaxMessageSizeText: String?
    public var subAddressDelimiter: String?
    public var smtpCiphers: String?

    public var queueCompression: Bool = false
    public var queueEncryption: QueueEncryption?
    public var queueTTL: Delay?

    public var mtaMaxDeferred: Int?
    public var mtaLimits: [MTALimits] = []
    public var mdaLimits: [Limit] = []
    public var schedulerLimits: [Limit] = []
    /// `bounce warn-interval`: every value written, though only the first four are used.
    public var bounceWarnIntervals: [Delay]?

    public var srsKey: String?
    public var srsBackupKey: String?
    public var srsTTL: Delay?
    public var admd: String?

    public init() {}

    public enum Defaults {
        public static let maxRcpt = 1000
        public static let maxMails = 100
        public static let maxMessageSize = 35 * 1024 * 1024
        public static let subAddressDelimiter = "+"
        public static let queueTTL = 4 * 86400
        public static let mtaMaxDeferred = 100
        public static let bounceWarnInterval = 4 * 3600
        /// `srs ttl`: OpenSMTPD takes `SMTPD_QUEUE_EXPIRY` (4 days), whatever `queue ttl` says.
        public static let srsTTLDays = 4
    }
}
