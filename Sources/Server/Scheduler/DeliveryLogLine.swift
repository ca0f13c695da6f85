/// The log lines OpenSMTPD writes about an envelope's fate, word for word (after `smtpd[pid]: `).
enum DeliveryLogLine {
    /// `mda_log` (mda.c): `<session> mda delivery evpid=<id> from=<sender> to=<dest> rcpt=<rcpt> user=<user>
    /// delay=<d> result=Ok|TempFail|PermFail stat=<text>`. Failures read `stat=Error (<text>)`.
    static func mda(session: UInt64, envelope: QueuedEnvelope, outcome: DeliveryOutcome, now: Int64) -> String {
        let user = envelope.deliveryUser ?? envelope.user ?? localPart(envelope.dest)
        let stat: String
        switch outcome {
        case .delivered(let text): stat = text.isEmpty ? "Delivered" : text
        case .temporaryFailure(let text), .permanentFailure(let text): stat = "Error (\(text))"
        }
        return "\(hex16(session)) mda delivery evpid=\(idText(envelope)) from=<\(envelope.sender)> "
            + "to=<\(envelope.dest)> rcpt=<\(envelope.rcpt)> user=\(user) "
            + "delay=\(durationText(now - envelope.created)) result=\(result(outcome)) stat=\(stat)"
    }

    /// `mta_log` (mta.c): `<session> mta delivery evpid=<id> from=<sender> to=<dest> rcpt=<rcpt|-> source="-"
    /// relay="<relay>" delay=<d> result="Ok" stat="<text>"`. The scheduler knows neither the source address nor
    /// the host that answered, so `source` is `-` and `relay` is the action's relay host (or the recipient's
    /// domain); a relay agent that knows better logs its own lines (`SchedulerSettings.methodsLoggingThemselves`).
    static func mta(session: UInt64, envelope: QueuedEnvelope, outcome: DeliveryOutcome, now: Int64) -> String {
        let rcpt = envelope.rcpt == envelope.dest ? "-" : envelope.rcpt
        let relay = envelope.target.isEmpty ? domain(envelope.dest) : envelope.target
        return "\(hex16(session)) mta delivery evpid=\(idText(envelope)) from=<\(envelope.sender)> "
            + "to=<\(envelope.dest)> rcpt=<\(rcpt)> source=\"-\" relay=\"\(relay)\" "
            + "delay=\(durationText(now - envelope.created)) result=\"\(result(outcome))\" stat=\"\(outcome.text)\""
    }

    /// `queue_log` (queue.c) for an expired or removed envelope: `delivery: Expire for <id>: from=<sender>,
    /// to=<dest>, rcpt=<rcpt|->, delay=<d>, stat=Envelope expired` (`relay:` for relayed mail).
    static func queue(_ prefix: String, envelope: QueuedEnvelope, status: String, now: Int64) -> String {
        let kind = DeliveryClass(method: envelope.method) == .mda ? "delivery" : "relay"
        let rcpt = envelope.rcpt == envelope.dest ? "-" : envelope.rcpt
        // OpenSMTPD prints user@domain of each address, so the null sender reads `<@>`.
        let sender = envelope.sender.isEmpty ? "@" : envelope.sender
        return "\(kind): \(prefix) for \(idText(envelope)): from=<\(sender)>, to=<\(envelope.dest)>, "
            + "rcpt=<\(rcpt)>, delay=\(durationText(now - envelope.created)), stat=\(status)"
    }

    private static func result(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .delivered: "Ok"
        case .temporaryFailure: "TempFail"
        case .permanentFailure: "PermFail"
        }
    }

    private static func idText(_ envelope: QueuedEnvelope) -> String { envelope.id?.description ?? "0000000000000000" }

    private static func localPart(_ address: String) -> String {
        address.lastIndex(of: "@").map { String(address[..<$0]) } ?? address
    }

    private static func domain(_ address: String) -> String {
        address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? address
    }
}

func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
