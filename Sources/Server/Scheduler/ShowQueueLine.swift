/// One envelope as the scheduler sees it, for `smtpctl show queue`.
public struct QueueListingEntry: Sendable, Hashable {
    public var envelope: QueuedEnvelope
    public var state: EnvelopeRunState

    public init(envelope: QueuedEnvelope, state: EnvelopeRunState) {
        self.envelope = envelope
        self.state = state
    }
}

/// Where an envelope stands.
public enum EnvelopeRunState: Sendable, Hashable {
    /// Waiting for its next try (or for a free delivery slot, or for `resume`).
    case pending
    /// Handed to an agent at this instant.
    case inflight(since: Int64)
    /// Its outcome is being written to the queue (or waits to be written again after a failure).
    case recording
}

/// `smtpctl show queue`'s line for one envelope, field for field as OpenSMTPD's `show_queue_envelope`
/// (smtpctl.c) prints it:
///
/// `evpid|src|agent|flags|sender|rcpt|dest|created|expire|lasttry|retries|runstate|seconds|error`
///
/// - `src` is `local`, `inet4` or `inet6` in OpenSMTPD; Tern's queue does not record the client's address
///   family, so it is `?`, OpenSMTPD's own text for an unknown one.
/// - `agent` is `mda` or `mta`; `flags` (bounce, auth, internal, suspend, hold) is empty: Tern has none of
///   those per-envelope states.
/// - Addresses print as `user@domain`, so the null sender is `@`.
/// - `pending|<seconds until the next try>` or `inflight|<seconds since the try began>`.
/// - The error is the last error text through `strnvis(3)` with no flags.
public enum ShowQueueLine {
    public static func format(_ entry: QueueListingEntry, now: Int64) -> String {
        let envelope = entry.envelope
        let runState: String
        var lastTry = envelope.lastTry
        switch entry.state {
        case .pending, .recording:
            runState = "pending|\(envelope.nextTry - now)"
        case .inflight(let since):
            // OpenSMTPD reports the start of the running try as the last try.
            lastTry = since
            runState = "inflight|\(now - since)"
        }
        let fields: [String] = [
            envelope.id?.description ?? "0000000000000000",
            "?",
            DeliveryClass(method: envelope.method).rawValue,
            "",
            address(envelope.sender),
            address(envelope.rcpt),
            address(envelope.dest),
            String(envelope.created),
            String(envelope.expire),
            String(lastTry),
            String(envelope.retries),
            runState,
            vis(envelope.lastError),
        ]
        return fields.joined(separator: "|")
    }

    private static func address(_ text: String) -> String {
        text.contains("@") ? text : text + "@"
    }

    /// `strnvis(dst, src, len, 0)`: control bytes as `\^X` (`\^?` for DEL), bytes above 0x7f as `\M-x` or
    /// `\M^X`, a backslash doubled; space, tab and newline are kept.
    static func vis(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let high = byte >= 0x80
            let low = byte & 0x7f
            if !high, byte == UInt8(ascii: "\\") {
                out += "\\\\"
                continue
            }
            if !high, (0x20..<0x7f).contains(byte) || byte == 0x09 || byte == 0x0a {
                out.unicodeScalars.append(Unicode.Scalar(byte))
                continue
            }
            out += high ? "\\M" : "\\"
            if low == 0x7f {
                out += "^?"
            } else if low < 0x20 {
                out += "^" + String(Unicode.Scalar(low + 0x40))
            } else {
                out += "-" + String(Unicode.Scalar(low))
            }
        }
        return out
    }
}
