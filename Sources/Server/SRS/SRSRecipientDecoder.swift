public import Logging
public import RuleEngine

/// The rule engine's SRS decoder: the codec at the current time, logging the addresses that do not decode as
/// OpenSMTPD's lookup process does (`log_warn("SRS failed to decode: %s")`, at LOG_ERR).
public struct SRSRecipientDecoder: SRSDecoding {
    public let codec: SRSCodec
    /// Nil for `smtpctl route`, which shows the failure among its steps instead.
    let logger: Logger?
    let clock: @Sendable () -> Int64

    public init(codec: SRSCodec, logger: Logger? = Logger(label: "smtpd")) {
        self.init(codec: codec, logger: logger, clock: UnixTime.now)
    }

    init(codec: SRSCodec, logger: Logger?, clock: @escaping @Sendable () -> Int64) {
        self.codec = codec
        self.logger = logger
        self.clock = clock
    }

    public func decode(_ recipient: MailAddress) -> MailAddress? {
        guard let decoded = codec.decode(recipient.text, now: clock()) else {
            logger?.error("SRS failed to decode: \(recipient.text)")
            return nil
        }
        return MailAddress(text: decoded)
    }
}
