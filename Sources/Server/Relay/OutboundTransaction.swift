import Transport

/// Turns queued envelopes into what the SMTP/LMTP client sends, and its replies into delivery outcomes.
enum OutboundTransaction {
    /// `user@domain` (split at the last `@`) or an unqualified name; empty text is the null path.
    static func path(_ address: String) -> MailPath {
        guard !address.isEmpty else { return .null }
        guard let at = address.lastIndex(of: "@") else { return .mailbox(Mailbox(localPart: address, domain: nil)) }
        return .mailbox(Mailbox(localPart: String(address[..<at]), domain: String(address[address.index(after: at)...])))
    }

    /// The sender after the action's `mail-from`: a full address replaces it, `@domain` replaces its domain
    /// (OpenSMTPD's `mail-from` on relay actions). The null sender of a bounce stays null.
    static func sender(_ sender: String, mailFrom: String?) -> MailPath {
        guard let mailFrom, !sender.isEmpty else { return path(sender) }
        if mailFrom.hasPrefix("@"), case .mailbox(let mailbox) = path(sender) {
            return .mailbox(Mailbox(localPart: mailbox.localPart, domain: String(mailFrom.dropFirst())))
        }
        return path(mailFrom)
    }

    /// The sender of forwarded mail rewritten with SRS (mta_session.c, at MAIL FROM): only for a sender with an
    /// `@` (never the null sender), and only when `envelope` was forwarded, its recipient expanded to another
    /// address (`rcpt` differs from `dest`); the forwarder's domain is the domain of that recipient. Applied
    /// after `mail-from`, as OpenSMTPD does.
    static func rewritten(_ sender: MailPath, forwarding envelope: QueuedEnvelope, srs: SRSCodec, now: Int64)
        -> MailPath
    {
        guard let mailbox = sender.mailbox, let domain = mailbox.domain, envelope.rcpt != envelope.dest,
              let at = envelope.rcpt.firstIndex(of: "@")
        else { return sender }
        let text = srs.encode(sender: mailbox.localPart + "@" + domain,
            forwarderDomain: String(envelope.rcpt[envelope.rcpt.index(after: at)...]), now: now)
        return path(text)
    }

    /// MAIL FROM's parameters from the envelope's DSN fields (the client drops what the peer does not offer).
    static func mailParameters(_ dsn: DSNFields) -> MailParameters {
        MailParameters(
            body: BodyType(rawValue: dsn.body.uppercased()), smtpUTF8: dsn.smtputf8,
            dsnReturn: DSNReturn(rawValue: dsn.ret.uppercased()),
            envelopeID: dsn.envelopeID.isEmpty ? nil : dsn.envelopeID)
    }

    /// RCPT TO's NOTIFY and ORCPT.
    static func recipientParameters(_ dsn: DSNFields) -> RecipientParameters {
        var parameters = RecipientParameters()
        if !dsn.notify.isEmpty {
            var notify = DSNNotify()
            for word in dsn.notify.uppercased().split(separator: ",") {
                switch word {
                case "SUCCESS": notify.insert(.success)
                case "FAILURE": notify.insert(.failure)
                case "DELAY": notify.insert(.delay)
                case "NEVER": notify.insert(.never)
                default: continue
                }
            }
            if !notify.isEmpty { parameters.notify = notify }
        }
        if let semicolon = dsn.originalRecipient.firstIndex(of: ";") {
            parameters.originalRecipient = OriginalRecipient(
                addressType: String(dsn.originalRecipient[..<semicolon]),
                address: String(dsn.originalRecipient[dsn.originalRecipient.index(after: semicolon)...]))
        }
        return parameters
    }

    /// The transaction for one message's envelopes; `recipient` picks the address each RCPT names. With `srs`,
    /// the first envelope decides whether the sender is rewritten, as OpenSMTPD's mta decides per task.
    static func make(_ envelopes: [QueuedEnvelope], body: [UInt8], mailFrom: String?, srs: SRSCodec? = nil,
        now: Int64 = UnixTime.now(), recipient: (QueuedEnvelope) -> String) -> SMTPClientTransaction
    {
        let first = envelopes[0]
        var reversePath = sender(first.sender, mailFrom: mailFrom)
        if let srs { reversePath = rewritten(reversePath, forwarding: first, srs: srs, now: now) }
        return SMTPClientTransaction(
            sender: reversePath, parameters: mailParameters(first.dsn),
            recipients: envelopes.map {
                .init(path: path(recipient($0)), parameters: recipientParameters($0.dsn))
            },
            body: body)
    }

    /// The reply on one line, as OpenSMTPD logs it in `stat=` and quotes it in bounces.
    static func text(_ reply: SMTPReply) -> String {
        reply.lines.count == 1 ? reply.description : reply.description.split(separator: "\r\n").joined(separator: " ")
    }

    static func outcome(_ reply: SMTPReply) -> DeliveryOutcome {
        if reply.isPositive { return .delivered(text(reply)) }
        if reply.isPermanentFailure { return .permanentFailure(text(reply)) }
        return .temporaryFailure(text(reply))
    }
}
