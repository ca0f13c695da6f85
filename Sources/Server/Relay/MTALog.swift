import Logging
import Transport

/// The log lines of OpenSMTPD's mta (mta.c `mta_log`, mta_session.c), with Tern's values.
struct MTALog {
    var logger: Logger

    /// `<session> mta delivery evpid=… from=<…> to=<…> rcpt=<…> source="…" relay="host [ip]" delay=…
    /// result="Ok|TempFail|PermFail" stat="…"`.
    func delivery(session: String, envelope: QueuedEnvelope, source: String?, relay: String,
        outcome: DeliveryOutcome, now: Int64)
    {
        let result = switch outcome {
        case .delivered: "Ok"
        case .temporaryFailure: "TempFail"
        case .permanentFailure: "PermFail"
        }
        let evpid = envelope.id?.description ?? "0000000000000000"
        logger.info(
            "\(session) mta delivery evpid=\(evpid) from=<\(envelope.sender)> to=<\(envelope.dest)> rcpt=<\(envelope.rcpt.isEmpty ? "-" : envelope.rcpt)> source=\"\(source ?? "-")\" relay=\"\(relay)\" delay=\(Self.duration(now - envelope.created)) result=\"\(result)\" stat=\"\(outcome.text)\""
        )
    }

    /// `<session> mta connecting address=smtp://192.0.2.1:25 host=mx.example.org`.
    func connecting(session: String, scheme: String, address: String, host: String) {
        logger.info("\(session) mta connecting address=\(scheme)\(address) host=\(host)")
    }

    func connected(session: String) {
        logger.info("\(session) mta connected")
    }

    /// OpenSMTPD prints the cipher too (`ciphers=TLSv1.3:…`); NIOSSL tells only the version.
    func tls(session: String, version: String) {
        logger.info("\(session) mta tls ciphers=\(version)")
    }

    /// OpenSMTPD's `duration_to_text`: `0s`, `1m5s`, `2d3h`.
    static func duration(_ seconds: Int64) -> String {
        guard seconds != 0 else { return "0s" }
        var t = abs(seconds)
        var text = seconds < 0 ? "-" : ""
        let s = t % 60
        t /= 60
        let m = t % 60
        t /= 60
        let h = t % 24
        let d = t / 24
        if d != 0 { text += "\(d)d" }
        if h != 0 { text += "\(h)h" }
        if m != 0 { text += "\(m)m" }
        if s != 0 { text += "\(s)s" }
        return text
    }
}
