import Transport

/// An RFC 3464 delivery status notification: a `multipart/report; report-type=delivery-status` message with
/// OpenSMTPD's human-readable notice (bounce.c), the machine-readable `message/delivery-status` part, and the
/// original message (`message/rfc822`) or only its header (`text/rfc822-headers`) when RET=HDRS.
///
/// Without RET the whole message is returned, as OpenSMTPD does. Unlike OpenSMTPD, which honours HDRS only
/// for success notices, Tern honours it for every kind (RFC 3461 §4.3).
///
/// Lines end in LF, as every message in the queue.
public struct DeliveryStatusNotification: Sendable {
    public var request: BounceRequest
    /// This server's name: `Reporting-MTA`, the `From:` domain, the boundary and Message-ID suffix.
    public var reportingHost: String
    public var date: MessageTimestamp
    public var arrivalDate: MessageTimestamp
    /// Random bits for the boundary and the Message-ID.
    public var token: UInt64

    public init(request: BounceRequest, reportingHost: String, date: MessageTimestamp, arrivalDate: MessageTimestamp, token: UInt64) {
        self.request = request
        self.reportingHost = reportingHost
        self.date = date
        self.arrivalDate = arrivalDate
        self.token = token
    }

    /// Only the original's header is returned: RET=HDRS.
    public var returnsHeadersOnly: Bool { request.ret.uppercased() == "HDRS" }

    public var subject: String { "Delivery status notification: \(request.kind.action)" }

    public var boundary: String { "\(token)/\(reportingHost)" }

    /// The whole notification. `original` is the queued message (nil when it can no longer be read: the
    /// notification then goes without it).
    public func render(original: [UInt8]?) -> [UInt8] {
        var out = ""
        out += "From: Mailer Daemon <MAILER-DAEMON@\(reportingHost)>\n"
        out += "To: \(oneLine(request.sender))\n"
        out += "Subject: \(subject)\n"
        out += "Date: \(date.text)\n"
        out += "Message-ID: <\(hex16(token))@\(reportingHost)>\n"
        out += "Auto-Submitted: auto-replied\n"
        out += "MIME-Version: 1.0\n"
        out += "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"\(boundary)\"\n"
        out += "\nThis is a MIME-encapsulated message.\n\n"

        out += "--\(boundary)\n"
        out += "Content-Description: Notification\n"
        out += "Content-Type: text/plain; charset=us-ascii\n\n"
        out += humanReadableText(hasOriginal: original != nil)

        out += "\n--\(boundary)\n"
        out += "Content-Description: Delivery Report\n"
        out += "Content-Type: message/delivery-status\n\n"
        out += deliveryStatusFields

        var bytes = Array(out.utf8)
        if let original {
            var part = "\n--\(boundary)\n"
            if returnsHeadersOnly {
                part += "Content-Description: Message headers\nContent-Type: text/rfc822-headers\n\n"
            } else {
                part += "Content-Description: Original message\nContent-Type: message/rfc822\n\n"
            }
            bytes += Array(part.utf8)
            let returned = returnsHeadersOnly ? Self.headerSection(of: original) : original
            bytes += returned
            if returned.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        }
        bytes += Array("\n--\(boundary)--\n".utf8)
        return bytes
    }

    /// OpenSMTPD's notice, indented by four spaces, with one `address: error` line per recipient.
    func humanReadableText(hasOriginal: Bool) -> String {
        var text = "    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n"
        switch request.kind {
        case .failed:
            text += "    An error has occurred while attempting to deliver a message for\n"
            text += "    the following list of recipients:\n\n"
        case .delayed(let delay, _):
            text += "    A message is delayed for more than \(bounceDuration(delay)) for the following\n"
            text += "    list of recipients:\n\n"
        case .delivered:
            text += "    Your message was successfully delivered to these recipients.\n\n"
        case .relayed:
            text += "    Your message was relayed to these recipients.\n\n"
        }
        for recipient in request.recipients {
            let line = recipient.diagnostic.isEmpty ? recipient.finalRecipient : "\(recipient.finalRecipient): \(recipient.diagnostic)"
            text += asciiLine(line) + "\n"
        }
        text += "\n"
        if case .delayed(_, let expiresIn) = request.kind {
            text += "    Please note that this is only a temporary failure report.\n"
            text += "    The message is kept in the queue for up to \(bounceDuration(expiresIn)).\n"
            text += "    You DO NOT NEED to re-send the message to these recipients.\n\n"
        }
        if hasOriginal {
            text += returnsHeadersOnly
                ? "    Below is a copy of the original message's header:\n"
                : "    Below is a copy of the original message:\n"
        }
        return text
    }

    /// The per-message fields, then one block per recipient (RFC 3464 §2.2 and §2.3).
    var deliveryStatusFields: String {
        var text = "Reporting-MTA: dns; \(reportingHost)\n"
        if !request.envelopeIdentifier.isEmpty { text += "Original-Envelope-Id: \(asciiLine(request.envelopeIdentifier))\n" }
        text += "Arrival-Date: \(arrivalDate.text)\n"
        for recipient in request.recipients {
            text += "\n"
            text += "Final-Recipient: \(addressField(recipient.finalRecipient))\n"
            if !recipient.originalRecipient.isEmpty {
                text += "Original-Recipient: \(asciiLine(recipient.originalRecipient))\n"
            }
            text += "Action: \(request.kind.action)\n"
            text += "Status: \(recipient.status)\n"
            if !recipient.diagnostic.isEmpty {
                text += "Diagnostic-Code: \(diagnosticType(recipient.diagnostic)); \(asciiLine(recipient.diagnostic))\n"
            }
        }
        return text
    }

    /// The header section of a message: everything up to and including the empty line that ends it.
    static func headerSection(of message: [UInt8]) -> [UInt8] {
        var index = 0
        while index < message.count {
            guard let end = message[index...].firstIndex(of: UInt8(ascii: "\n")) else { return message }
            let line = message[index..<end]
            if line.isEmpty || line == [UInt8(ascii: "\r")] { return Array(message[..<(end + 1)]) }
            index = end + 1
        }
        return message
    }

    /// `rfc822; address`, or `utf-8; address` for an internationalised one (RFC 6533).
    private func addressField(_ address: String) -> String {
        let line = oneLine(address)
        return line.utf8.allSatisfy({ $0 < 0x80 }) ? "rfc822; \(line)" : "utf-8; \(line)"
    }

    /// SMTP and LMTP replies start with a three-digit code; anything else is a local error text.
    private func diagnosticType(_ diagnostic: String) -> String {
        let head = diagnostic.utf8.prefix(4)
        let isReply = head.count >= 3 && head.prefix(3).allSatisfy { (0x30...0x39).contains($0) }
            && (head.count == 3 || head.last == UInt8(ascii: " ") || head.last == UInt8(ascii: "-"))
        return isReply ? "smtp" : "x-unix"
    }
}

/// One line of plain ASCII: line breaks become spaces, other control and non-ASCII bytes `?`, at most 900
/// bytes (the report's lines must stay under SMTP's 998).
private func asciiLine(_ text: String) -> String {
    var bytes: [UInt8] = []
    for byte in text.utf8.prefix(900) {
        switch byte {
        case UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "\t"): bytes.append(UInt8(ascii: " "))
        case 0x20..<0x7f: bytes.append(byte)
        default: bytes.append(UInt8(ascii: "?"))
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Line breaks removed; UTF-8 kept (addresses may be internationalised).
private func oneLine(_ text: String) -> String {
    String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
}

/// OpenSMTPD's `bounce_duration`: the largest whole unit, `4 hours`, `1 day`, `30 seconds`.
func bounceDuration(_ seconds: Int64) -> String {
    func unit(_ value: Int64, _ name: String) -> String { "\(value) \(name)\(value == 1 ? "" : "s")" }
    if seconds < 60 { return unit(seconds, "second") }
    if seconds < 3600 { return unit(seconds / 60, "minute") }
    if seconds < 86400 { return unit(seconds / 3600, "hour") }
    return unit(seconds / 86400, "day")
}
