/// STARTTLS and AUTH.
extension SMTPSessionStateMachine {
    /// `smtp_check_starttls`, then the 220 and the switch. Whatever the client pipelined after the command is
    /// dropped here, before TLS starts: it was sent in clear and must not be read as if it came under TLS.
    mutating func handleStartTLS(_ parsed: Parsed) {
        guard session.helo != nil, current == nil else { return sendError(Replies.notAllowedHere) }
        guard configuration.startTLS != .unavailable, !configuration.implicitTLS else {
            return sendError(Replies.commandNotSupported)
        }
        guard !session.isSecure else { return sendError(Replies.alreadySecured) }
        guard command(parsed) != nil else { return }
        send(Replies.readyToStartTLS)
        output.append(.startTLS)
        let dropped = framer.discardBufferedBytes()
        if dropped > 0 { output.append(.discardedInput(byteCount: dropped, reason: .pipelinedAfterSTARTTLS)) }
        phase = .tlsHandshake
    }

    /// `smtp_check_auth`, then `smtp_proceed_auth`.
    mutating func handleAuth(_ parsed: Parsed) {
        guard session.helo != nil, current == nil else { return sendError(Replies.notAllowedHere) }
        guard !session.isAuthenticated else { return sendError(Replies.alreadyAuthenticated) }
        guard offersAuth else { return sendError(Replies.commandNotSupported) }
        guard case .auth(let name, let initialResponse) = command(parsed) else { return }
        guard let mechanism = SASLMechanism(name: name) else {
            return sendError(Replies.mechanismNotSupported(name))
        }
        let (server, step) = SASLServer.start(mechanism, initialResponse: initialResponse?.text)
        handleSASLStep(step, server: server)
    }

    mutating func handleSASLLine(_ line: ArraySlice<UInt8>, server: SASLServer) {
        var server = server
        let step = server.receive(line)
        handleSASLStep(step, server: server)
    }

    mutating func handleSASLStep(_ step: SASLStep, server: SASLServer) {
        // OpenSMTPD's log names the SASL stage, never what the client sent in it.
        switch server {
        case .plain: commandForLog = "AUTH PLAIN (...)"
        case .login(let login): commandForLog = login.awaitsPassword ? "AUTH LOGIN (password)" : "AUTH LOGIN (username)"
        }
        switch step {
        case .challenge(let text):
            send(Replies.challenge(text))
            phase = .auth(server)
        case .credentials(let credentials):
            ask(.authenticate(credentials), pending: .authenticate(username: credentials.username))
        case .failed:
            phase = .commands
            send(Replies.authSyntaxError)
        }
    }
}
