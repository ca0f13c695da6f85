/// Command dispatch and the commands that need no transaction, each checked in OpenSMTPD's order
/// (`smtp_check_*`, then `smtp_proceed_*`).
extension SMTPSessionStateMachine {
    typealias Parsed = Result<SMTPCommand, SMTPCommandError>

    mutating func handleCommand(_ line: ArraySlice<UInt8>) {
        commandForLog = Self.loggableCommand(line)
        let parsed = Parsed { () throws(SMTPCommandError) in try SMTPCommand.parse(line) }
        let verb: SMTPCommand.Verb
        switch parsed {
        case .success(let command):
            guard let known = command.verb else { return sendError(Replies.commandUnrecognized) }
            verb = known
        case .failure(let error):
            verb = error.verb
        }
        if tlsRequiredFirst, !Self.allowedBeforeTLS.contains(verb) {
            if verb == .bdat, case .success(.bdat(let size, let last)) = parsed {
                phase = .chunk(remaining: size, size: size, last: last, disposition: .discard(Replies.mustStartTLS))
                return
            }
            sendError(Replies.mustStartTLS)
            if verb == .bdat { close() }
            return
        }
        switch verb {
        case .helo, .ehlo: handleHelo(parsed)
        case .startTLS: handleStartTLS(parsed)
        case .auth: handleAuth(parsed)
        case .mail: handleMail(parsed)
        case .rcpt: handleRcpt(parsed)
        case .data: handleData(parsed)
        case .bdat: handleBDAT(parsed)
        case .rset: handleRset(parsed)
        case .noop: send(Replies.ok)
        case .quit:
            guard command(parsed) != nil else { return }
            closeReason = "quit"
            send(Replies.bye)
            close()
        case .help:
            guard command(parsed) != nil else { return }
            send(Replies.help(product: configuration.product))
        case .vrfy, .expn:
            // OpenSMTPD has neither command: both are unrecognized.
            sendError(Replies.commandUnrecognized)
        }
    }

    /// A command line as logs may show it: AUTH keeps only its mechanism, so that no initial response (a
    /// password, base64-encoded) is ever logged; control bytes become `?`.
    static func loggableCommand(_ line: ArraySlice<UInt8>) -> String {
        // Whatever the client's spacing, a line whose first word is AUTH keeps only that word and the next.
        let words = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        let visible: (ArraySlice<UInt8>) -> String = { bytes in
            String(decoding: bytes.map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
        }
        if let first = words.first, String(decoding: first, as: UTF8.self).uppercased() == "AUTH" {
            return words.prefix(2).map(visible).joined(separator: " ")
        }
        return visible(line)
    }

    /// The command, or nil after sending its syntax error.
    mutating func command(_ parsed: Parsed) -> SMTPCommand? {
        switch parsed {
        case .success(let command):
            return command
        case .failure(let error):
            sendError(error.reply)
            return nil
        }
    }

    /// What `tls-require` lets through before TLS (issue #4; OpenSMTPD itself only stops MAIL). Everything else
    /// gets `530 5.5.1 Invalid command: Must issue a STARTTLS command first`, before any other check.
    static let allowedBeforeTLS: Set<SMTPCommand.Verb> = [.ehlo, .helo, .startTLS, .noop, .rset, .quit]

    /// `tls-require` and not yet secure.
    var tlsRequiredFirst: Bool { configuration.startTLS == .required && !session.isSecure }

    /// OpenSMTPD's `ADVERTISE_TLS`.
    var offersStartTLS: Bool {
        configuration.startTLS != .unavailable && !configuration.implicitTLS && !session.isSecure
    }

    /// OpenSMTPD's `ADVERTISE_AUTH`: only on a secure session, and only until authenticated.
    var offersAuth: Bool {
        configuration.authentication != .unavailable && session.isSecure && !session.isAuthenticated
    }

    mutating func handleHelo(_ parsed: Parsed) {
        guard let command = command(parsed) else { return }
        let (name, extended): (String, Bool)
        switch command {
        case .helo(let domain): (name, extended) = (domain, false)
        case .ehlo(let domain): (name, extended) = (domain, true)
        default: preconditionFailure("not HELO/EHLO")
        }
        abortTransaction()
        session.helo = name
        session.usedEHLO = extended
        guard extended else {
            return send(Replies.helo(serverName: session.serverName, helo: name, clientAddress: session.client.address))
        }
        let extensions = Replies.ehloExtensions(maximumMessageSize: configuration.maximumMessageSize,
            dsn: configuration.dsn, offerStartTLS: offersStartTLS, offerAuth: offersAuth)
        send(Replies.ehlo(serverName: session.serverName, helo: name, clientAddress: session.client.address,
            extensions: extensions))
    }

    mutating func handleRset(_ parsed: Parsed) {
        guard command(parsed) != nil else { return }
        guard session.helo != nil else { return sendError(Replies.notAllowedHere) }
        send(Replies.resetState)
        abortTransaction()
    }
}
