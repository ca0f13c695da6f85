/// MAIL FROM and RCPT TO.
extension SMTPSessionStateMachine {
    /// `smtp_check_mail_from` and `smtp_tx_mail_from` (after the tls-require gate): sequence, auth, max-mails, syntax, options,
    /// then the policy (sender check and message creation).
    mutating func handleMail(_ parsed: Parsed) {
        guard session.helo != nil, current == nil else { return sendError(Replies.notAllowedHere) }
        guard configuration.authentication != .required || session.isAuthenticated else {
            return sendError(Replies.mustAuthenticate)
        }
        guard session.messageCount < configuration.maximumMessagesPerSession else {
            return send(Replies.tooManyMessages)
        }
        guard case .mail(let path, let parameters) = command(parsed) else { return }
        if !configuration.dsn, parameters.usesDSN {
            var dsnOnly = MailParameters()
            dsnOnly.dsnReturn = parameters.dsnReturn
            dsnOnly.envelopeID = dsnOnly.dsnReturn == nil ? parameters.envelopeID : nil
            return sendError(Replies.unsupportedMailOption(Self.firstParameter(of: dsnOnly)))
        }
        if parameters.body == .binaryMIME {
            return sendError(Replies.unsupportedMailOption("BODY=\(BodyType.binaryMIME.rawValue)"))
        }
        if let size = parameters.size, size > UInt64(configuration.maximumMessageSize) {
            return send(Replies.declaredSizeTooBig)
        }
        let sender: MailPath
        switch path {
        case .null: sender = .null
        case .mailbox(let mailbox): sender = .mailbox(mailbox.qualified(with: session.serverName))
        }
        ask(.mailFrom(sender, parameters), pending: .mailFrom(sender, parameters))
    }

    /// `smtp_check_rcpt_to` and `smtp_tx_rcpt_to`: sequence, max-rcpt, syntax, SMTPUTF8, options, then the
    /// rule engine.
    mutating func handleRcpt(_ parsed: Parsed) {
        guard let current else { return sendError(Replies.notAllowedHere) }
        guard current.info.recipients.count < configuration.maximumRecipients else {
            return send(Replies.tooManyRecipients)
        }
        guard case .rcpt(let path, let parameters) = command(parsed) else { return }
        guard let mailbox = path.mailbox else { return sendError(Replies.recipientSyntaxError) }
        guard mailbox.isASCII || current.info.parameters.smtpUTF8 else { return send(Replies.nonASCIIAddress) }
        if !configuration.dsn, parameters.usesDSN {
            var encoded: [UInt8] = []
            RecipientParameters(notify: parameters.notify,
                originalRecipient: parameters.notify == nil ? parameters.originalRecipient : nil)
                .encode(into: &encoded)
            return sendError(Replies.unsupportedRecipientOption(String(decoding: encoded.dropFirst(), as: UTF8.self)))
        }
        let recipient = SMTPRecipient(mailbox: mailbox.qualified(with: session.serverName), parameters: parameters)
        ask(.rcptTo(recipient.mailbox, parameters), pending: .rcptTo(recipient))
    }

    /// The first parameter's wire form, for "Unsupported option X".
    static func firstParameter(of parameters: MailParameters) -> String {
        var encoded: [UInt8] = []
        parameters.encode(into: &encoded)
        let text = String(decoding: encoded.dropFirst(), as: UTF8.self)
        return String(text.prefix { $0 != " " })
    }
}
