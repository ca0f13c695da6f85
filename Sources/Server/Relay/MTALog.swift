import Logging
import Transport

/// The log lines of OpenSMTPD's mta (mta.c `mta_log`, mta_session.c), with Tern's values.
struct MTALog {
    var logger: Logger

    /// `<session> mta delivery evpid=… from=<…> to=<…> rcpt=<…> source="…" relay="host [ip]" delay=…
    /// result="Ok|TempFail|PermFail" stat="…"`. `from` is the sender as sent, after `mail-from` and SRS (the mta's
    /// task sender); nil takes the envelope's.
    func delivery(session: String, envelope: QueuedEnvelope, sender: MailPath? = nil, source: String?,
        relay: String, outcome: DeliveryOutcome, now: Int64)
    {
        let from = sender.map { $0.mailbox?.description ?? "" } ?? envelope.sender
        let result = switch outcome {
        case .delivered: "Ok"
        case .temporaryFailure: "TempFail"
        case .permanentFailure: "PermFail"
        }
        let evpid = envelope.id?.description ?? "0000000000000000"
        logger.info(
            "\(session) mta delivery evpid=\(evpid) from=<\(from)> to=<\(envelope.dest)> rcpt=<\(envelope.rcpt.isEmpty ? "-" : envelope.rcpt)> source=\"\(source ?? "-")\" relay=\"\(relay)\" delay=\(durationText(now - envelope.created)) result=\"\(result)\" stat=\"\(outcome.text)\""
        )
    }

    /// `<session> mta connecting address=smtp://192.0.2.1:25 host=mx.example.org`.
    func connecting(session: String, scheme: String, address: String, host: String) {
        logger.info("\(session) mta connecting address=\(scheme)\(address) host=\(host)")
    }

    func connected(session: String) {
        logger.info("\(session) mta connected")
    }

    /// `smtp-out: Error on 192.0.2.9 <-> 192.0.2.1 (mx.example.org): <reason>`: a route that cannot be used
    /// from this source (mta.c `mta_source_error`, which names the MX by its PTR; Tern by the MX name).
    func sourceError(source: String, destination: String, host: String, reason: String) {
        logger.info("smtp-out: Error on \(source) <-> \(destination) (\(host)): \(reason)")
    }

    /// OpenSMTPD prints the cipher too (`ciphers=TLSv1.3:…`); NIOSSL tells only the version.
    func tls(session: String, version: String) {
        logger.info("\(session) mta tls ciphers=\(version)")
    }
}
