/// Every reply Tern's SMTP server sends, with OpenSMTPD's exact texts (`smtp_session.c`, `lka_session.c`,
/// 6.8 and 7.8 agree on all of them). Where Tern departs from OpenSMTPD the doc comment says so and why.
///
/// OpenSMTPD builds most texts as `esc_code(class, detail) + " " + esc_description(detail) + ": " + text`;
/// ``reply(_:_:_:_:)`` does the same, so `Replies.commandUnrecognized` is `500 5.5.1 Invalid command: Command
/// unrecognized`, as clients of OpenSMTPD have always seen it.
public enum Replies {
    /// `CODE C.S.D Description: text`, OpenSMTPD's usual shape.
    public static func reply(_ code: Int, _ statusClass: Int, _ detail: StatusDetail, _ text: String) -> SMTPReply {
        SMTPReply(code, EnhancedStatusCode(statusClass, detail), "\(detail.text): \(text)")
    }

    // MARK: Connection

    /// The greeting. OpenSMTPD sends `220 HOST ESMTP OpenSMTPD`; Tern names itself but keeps the `ESMTP` word,
    /// which some clients look for before trying EHLO (RFC 5321 §4.3.1 recommends it).
    public static func banner(serverName: String, product: String = "Tern") -> SMTPReply {
        SMTPReply(220, nil, "\(serverName) ESMTP \(product)")
    }

    /// Tern's idle timeout reply (RFC 5321 §4.5.3.2 suggests telling the client). OpenSMTPD closes silently.
    public static let timeout = reply(421, 4, .badConnection, "Session timed out")

    /// Tern's hard error limit: a client that keeps sending bad commands is cut off. OpenSMTPD has no such limit
    /// because it disconnects any client that pipelines; Tern accepts pipelining, so a burst of junk (an HTTP
    /// request sent to port 25, say) would otherwise get one reply per line without end.
    public static let tooManyErrors = SMTPReply(421, EnhancedStatusCode(4, 7, 0), "Too many errors, closing connection")

    /// A byte stream line longer than OpenSMTPD's `SMTP_LINE_MAX` (65535 bytes).
    public static let lineTooLong = SMTPReply(500, EnhancedStatusCode(5, .otherStatus), "Line too long")
    /// A command line that does not fit OpenSMTPD's `cmd[LINE_MAX]` buffer (2048 bytes with its NUL).
    public static let commandLineTooLong = SMTPReply(500, EnhancedStatusCode(5, .otherStatus), "Command line too long")

    /// SMTP smuggling defence (Tern only; see ``SMTPLineFramer``): a lone LF is never a line end. 500 in command
    /// mode, 554 ("transaction failed") inside a message.
    public static func bareLineFeed(inMessage: Bool) -> SMTPReply {
        reply(inMessage ? 554 : 500, 5, .syntaxError, "bare <LF> received")
    }
    /// As ``bareLineFeed(inMessage:)`` for a CR that is not followed by LF.
    public static func bareCarriageReturn(inMessage: Bool) -> SMTPReply {
        reply(inMessage ? 554 : 500, 5, .syntaxError, "bare <CR> received")
    }
    /// NUL octets are not text (RFC 5322 §2.2, RFC 6152 §2); a downstream server that drops them would read
    /// `CRLF NUL . CRLF` as the end of data, so Tern refuses such messages (a smuggling pattern).
    public static let nulCharacters = reply(554, 5, .otherMediaError, "Message contains NUL characters")

    // MARK: Generic command errors

    public static let commandUnrecognized = reply(500, 5, .invalidCommand, "Command unrecognized")
    public static let notAllowedHere = reply(503, 5, .invalidCommand, "Command not allowed at this point.")
    public static let noArgumentsAccepted = reply(500, 5, .invalidCommandArguments, "command does not accept arguments.")
    public static let commandNotSupported = reply(503, 5, .invalidCommand, "Command not supported")
    public static let mustStartTLS = reply(530, 5, .invalidCommand, "Must issue a STARTTLS command first")
    public static let mustAuthenticate = reply(530, 5, .invalidCommand, "Must issue an AUTH command first")

    // MARK: HELO, EHLO

    /// `250 HOST Hello HELO [ADDRESS], pleased to meet you`; the address is in brackets for IPv4, IPv6 and the
    /// local socket (`[local]`) alike, as OpenSMTPD's `ss_to_text()` prints it.
    public static func helo(serverName: String, helo: String, clientAddress: String) -> SMTPReply {
        SMTPReply(250, nil, "\(serverName) Hello \(helo) [\(clientAddress)], pleased to meet you")
    }
    public static func missingDomain(verb: String) -> SMTPReply {
        reply(501, 5, .invalidCommand, "\(verb) requires domain name")
    }
    public static let invalidDomain = reply(501, 5, .invalidCommandArguments, "Invalid domain name")

    // MARK: STARTTLS

    public static let readyToStartTLS = SMTPReply(220, EnhancedStatusCode(2, .otherStatus), "Ready to start TLS")
    public static let alreadySecured = reply(503, 5, .invalidCommand, "Channel already secured")
    public static let noParametersAllowed = reply(501, 5, .invalidCommandArguments, "No parameters allowed")

    // MARK: AUTH

    public static let alreadyAuthenticated = reply(503, 5, .invalidCommand, "Already authenticated")
    public static let noParametersGiven = reply(501, 5, .invalidCommandArguments, "No parameters given")
    public static func mechanismNotSupported(_ mechanism: String) -> SMTPReply {
        reply(504, 5, .securityFeaturesNotSupported, "AUTH method \"\(mechanism)\" not supported")
    }
    /// Malformed base64, a malformed PLAIN message, or the client's `*` (RFC 4954 §4 asks for 501 there too).
    public static let authSyntaxError = reply(501, 5, .syntaxError, "Syntax error")
    /// A SASL challenge, already base64 (`334 VXNlcm5hbWU6`), or empty (`334 `).
    public static func challenge(_ base64: String) -> SMTPReply { SMTPReply(334, nil, base64) }
    public static let authenticationSucceeded = SMTPReply(235, EnhancedStatusCode(2, .otherStatus), "Authentication succeeded")
    /// OpenSMTPD's text has no enhanced code.
    public static let authenticationFailed = SMTPReply(535, nil, "Authentication failed")

    // MARK: MAIL FROM

    public static let ok = SMTPReply(250, EnhancedStatusCode(2, .otherStatus), "Ok")
    /// The queue's disk is full (ENOSPC/EDQUOT) while receiving: try again later, nothing was kept.
    public static let insufficientStorage = SMTPReply(452, EnhancedStatusCode(4, .mailSystemFull),
        "Insufficient system storage")
    public static let tooManyMessages = reply(452, 4, .tooManyRecipients, "Too many messages sent")
    public static let senderSyntaxError = SMTPReply(553, EnhancedStatusCode(5, .otherAddressStatus), "Sender address syntax error")
    public static func unsupportedMailOption(_ option: String) -> SMTPReply {
        reply(503, 5, .invalidCommandArguments, "Unsupported option \(option)")
    }
    /// ENVID longer than OpenSMTPD's 100-byte `dsn_envid`.
    public static func optionTooLarge(_ option: String) -> SMTPReply {
        reply(503, 5, .invalidCommandArguments, "option too large, truncated: \(option)")
    }
    /// The `senders` table refused this sender for the authenticated user (OpenSMTPD: no enhanced code).
    public static let senderRejected = SMTPReply(530, nil, "Sender rejected")
    /// OpenSMTPD writes its queue and lookup failures without the description.
    public static let temporaryError = SMTPReply(421, EnhancedStatusCode(4, .otherMailSystemStatus), "Temporary Error")
    /// RFC 1870 §6.1: a declared SIZE over the limit is refused at MAIL FROM with 552 (OpenSMTPD ignores SIZE).
    public static let declaredSizeTooBig = reply(552, 5, .messageTooBigForSystem,
        "Message size exceeds fixed maximum message size")
    /// RFC 6531 §3.7.4.1: a non-ASCII address in a transaction without SMTPUTF8.
    public static let nonASCIIAddress = SMTPReply(553, EnhancedStatusCode(5, .nonASCIIAddressesNotPermitted),
        StatusDetail.nonASCIIAddressesNotPermitted.text)

    // MARK: RCPT TO

    public static let tooManyRecipients = reply(451, 4, .tooManyRecipients, "Too many recipients")
    public static let recipientSyntaxError = SMTPReply(501, EnhancedStatusCode(5, .badDestinationMailboxAddressSyntax),
        "Recipient address syntax error")
    public static let notifyNeverCombined = SMTPReply(553, nil, "NOTIFY option NEVER cannot be combined with other options")
    public static let originalRecipientSyntaxError = SMTPReply(553, nil, "ORCPT address syntax error")
    /// OpenSMTPD's RCPT variant has no enhanced code, unlike the MAIL one.
    public static func unsupportedRecipientOption(_ option: String) -> SMTPReply {
        SMTPReply(503, nil, "Unsupported option \(option)")
    }
    public static let recipientOK = reply(250, 2, .destinationAddressValid, "Recipient ok")
    /// `lka_session.c`'s texts, to which `smtp_session.c` appends `: <user@domain>`.
    public static func recipientRejected(_ rejection: RecipientRejection, address: String) -> SMTPReply {
        let base: SMTPReply
        switch rejection {
        case .invalidRecipient: base = SMTPReply(550, nil, "Invalid recipient")
        case .temporaryFailure: base = SMTPReply(451, nil, "Temporary failure")
        case .expansionFailed(permanent: true):
            base = SMTPReply(524, EnhancedStatusCode(5, .mailingListExpansionProblem), StatusDetail.mailingListExpansionProblem.text)
        case .expansionFailed(permanent: false):
            base = SMTPReply(424, EnhancedStatusCode(4, .mailingListExpansionProblem), StatusDetail.mailingListExpansionProblem.text)
        case .custom(let reply): base = reply
        }
        var lines = base.lines
        lines[lines.count - 1] += ": <\(address)>"
        return SMTPReply(code: base.code, enhancedCode: base.enhancedCode, lines: lines)
    }

    // MARK: DATA, BDAT

    public static let noRecipient = reply(503, 5, .invalidCommandArguments, "No recipient specified")
    public static let enterMail = SMTPReply(354, nil, "Enter mail, end with \".\" on a line by itself")
    /// `250 2.0.0 ID Message accepted for delivery`: the queue id is the one clients quote in bug reports.
    public static func messageAccepted(id: String) -> SMTPReply {
        SMTPReply(250, EnhancedStatusCode(2, .otherStatus), "\(id) Message accepted for delivery")
    }
    /// Over `max-message-size`. OpenSMTPD answers 554; Tern answers 552 as RFC 5321 §4.5.3.1.10 and RFC 1870
    /// ask, with OpenSMTPD's text.
    public static let messageTooBig = reply(552, 5, .messageTooBigForSystem, "Transaction failed, message too big")
    /// More than 100 Received headers (OpenSMTPD's `MAX_HOPS_COUNT`).
    public static let loopDetected = reply(500, 5, .routingLoopDetected, "Loop detected")
    /// A header section OpenSMTPD's `rfc5322.c` cannot read (a line without `:` before the blank line).
    public static let notRFC5322 = reply(550, 5, .deliveryNotAuthorizedMessageRefused,
        "Message is not RFC 2822 compliant")
    public static let temporaryFailure = SMTPReply(421, EnhancedStatusCode(4, .otherMailSystemStatus),
        "Temporary failure")
    public static let internalError = SMTPReply(421, nil, "Internal server error")
    /// RFC 3030 §2 leaves the text free; Tern states the count.
    public static func chunkReceived(octets: Int) -> SMTPReply {
        SMTPReply(250, EnhancedStatusCode(2, .otherStatus), "Ok: \(octets) octets received")
    }
    public static let bdatSyntaxError = reply(501, 5, .invalidCommandArguments, "Syntax: BDAT count [LAST]")

    // MARK: RSET, NOOP, QUIT, HELP

    public static let resetState = SMTPReply(250, EnhancedStatusCode(2, .otherStatus), "Reset state")
    public static let bye = SMTPReply(221, EnhancedStatusCode(2, .otherStatus), "Bye")
    /// OpenSMTPD's four HELP lines, with Tern's name and no OpenBSD bug address.
    public static func help(product: String = "Tern") -> SMTPReply {
        SMTPReply(code: 214, enhancedCode: EnhancedStatusCode(2, .otherStatus), lines: [
            "This is \(product)",
            "To report bugs in the implementation, please contact your postmaster",
            "with full details",
            "End of HELP info",
        ])
    }
}
