/// The client side of an SMTP or LMTP session, as a value: feed it the server's reply lines and the TLS
/// handshake's end, ask it to send transactions or quit, and carry out the actions it returns.
///
/// It keeps a queue of the replies it waits for, one per command sent, so that with PIPELINING (RFC 2920) MAIL,
/// every RCPT and DATA go out in one write and their replies are matched in order. Without PIPELINING each
/// command waits for the previous reply.
///
/// A transaction ends with the final reply of each recipient: the RCPT reply when the RCPT was refused (or the
/// MAIL reply when MAIL was), else the reply to the final dot (LMTP, RFC 2033 §4.2: one per accepted recipient,
/// in order). A transaction that did not end with the data accepted is followed by RSET before the session says
/// it is done, so the next MAIL never meets a half-open transaction.
public struct SMTPClientStateMachine: Sendable {
    private enum Expected: Sendable, Hashable {
        case greeting, hello, helo, startTLS
        case authPlain, authLoginUser, authLoginPassword, authLoginDone
        case mail, rcpt(Int), data, dataEnd, lmtpDataEnd(Int), emptyDataEnd, rset, quit
    }

    private enum Phase: Sendable {
        case connecting, greeting, tlsHandshake, ready, transaction, quitting, done
    }

    private struct Transaction: Sendable {
        var request: SMTPClientTransaction
        var mailReply: SMTPReply?
        var rcptReplies: [SMTPReply?]
        var finalReplies: [SMTPReply?]
        /// The data went out and was answered: no RSET needed afterwards.
        var dataSent = false
        var completed: [SMTPReply]?

        var acceptedIndices: [Int] { rcptReplies.indices.filter { rcptReplies[$0]?.isPositive == true } }
    }

    public let configuration: SMTPClientConfiguration
    public private(set) var capabilities = SMTPServerCapabilities()
    /// True once TLS protects the session (STARTTLS done, or smtps).
    public private(set) var isSecure: Bool
    private var phase: Phase = .connecting
    private var expected: [Expected] = []
    private var parser = SMTPReplyParser()
    private var transaction: Transaction?
    private var triedHelo = false

    public init(configuration: SMTPClientConfiguration) {
        self.configuration = configuration
        isSecure = configuration.tls == .implicit
    }

    /// True between `.ready` and the next transaction or QUIT.
    public var isIdle: Bool { phase == .ready && expected.isEmpty }

    /// The connection is up (and, for smtps, TLS is established): wait for the greeting.
    public mutating func connected() -> [SMTPClientAction] {
        guard phase == .connecting else { return [] }
        phase = .greeting
        expected = [.greeting]
        return []
    }

    /// One line from the server, without its line end.
    public mutating func receive(line: some Collection<UInt8>) -> [SMTPClientAction] {
        guard phase != .done else { return [] }
        let reply: SMTPReply
        do {
            guard let complete = try parser.parse(line: line) else { return [] }
            reply = complete
        } catch {
            return fail(.transaction, nil, "Protocol error: malformed reply \"\(String(decoding: line, as: UTF8.self))\"")
        }
        guard !expected.isEmpty else {
            return fail(.transaction, reply, "Protocol error: unexpected reply \"\(reply)\"")
        }
        let what = expected.removeFirst()
        if reply.closesConnection && what != .quit && what != .greeting {
            return fail(.transaction, reply, reply.description)
        }
        switch what {
        case .greeting: return greeting(reply)
        case .hello: return hello(reply)
        case .helo: return helo(reply)
        case .startTLS: return startTLSReply(reply)
        case .authPlain, .authLoginUser, .authLoginPassword, .authLoginDone: return authReply(reply, step: what)
        case .mail, .rcpt, .data, .dataEnd, .lmtpDataEnd, .emptyDataEnd, .rset: return transactionReply(reply, what)
        case .quit:
            phase = .done
            return [.close]
        }
    }

    /// The TLS handshake that `.startTLS` asked for is done: greet again (RFC 3207 §4.2 forgets all earlier state).
    public mutating func tlsEstablished() -> [SMTPClientAction] {
        guard phase == .tlsHandshake else { return [] }
        isSecure = true
        phase = .greeting
        capabilities = SMTPServerCapabilities()
        return sendHello()
    }

    /// Starts a transaction; only while idle (after `.ready` or `.transactionCompleted`).
    public mutating func send(_ request: SMTPClientTransaction) -> [SMTPClientAction] {
        precondition(isIdle, "send(_:) while the session is not idle")
        let count = request.recipients.count
        transaction = Transaction(
            request: request, rcptReplies: Array(repeating: nil, count: count),
            finalReplies: Array(repeating: nil, count: count))
        phase = .transaction
        if case (true, let limit?) = capabilities.size, UInt64(request.body.count) > limit {
            let tooBig = SMTPReply(552, EnhancedStatusCode(5, 3, 4), "Message too large for the destination server")
            return complete(allOpenWith: tooBig, reset: false)
        }
        var commands: [SMTPCommand] = [mailCommand(request)]
        expected.append(.mail)
        if capabilities.pipelining {
            for index in request.recipients.indices {
                commands.append(rcptCommand(request.recipients[index]))
                expected.append(.rcpt(index))
            }
            commands.append(.data)
            expected.append(.data)
        }
        return [.write(commands.flatMap(\.encoded))]
    }

    /// Ends the session politely; only while idle.
    public mutating func quit() -> [SMTPClientAction] {
        guard isIdle else { return [] }
        phase = .quitting
        expected = [.quit]
        return [.write(SMTPCommand.quit.encoded)]
    }

    /// The connection closed or failed (with `error`'s text, if any).
    public mutating func connectionClosed(reason: String = "Connection closed unexpectedly") -> [SMTPClientAction] {
        guard phase != .done else { return [] }
        return fail(.connection, nil, reason)
    }

    // MARK: - Session set-up

    private mutating func greeting(_ reply: SMTPReply) -> [SMTPClientAction] {
        guard reply.isPositive else { return fail(.session, reply, reply.description) }
        return sendHello()
    }

    private mutating func sendHello() -> [SMTPClientAction] {
        expected = [.hello]
        let verb = configuration.protocolKind == .lmtp ? "LHLO" : "EHLO"
        return [.write(SMTPCommand.unknown("\(verb) \(configuration.heloName)").encoded)]
    }

    private mutating func hello(_ reply: SMTPReply) -> [SMTPClientAction] {
        guard reply.isPositive else {
            // RFC 5321 §3.2: a server that does not know EHLO gets HELO, unless we need an extension.
            if configuration.protocolKind == .smtp, reply.isPermanentFailure, !triedHelo, !needsExtensions {
                triedHelo = true
                expected = [.helo]
                return [.write(SMTPCommand.helo(domain: configuration.heloName).encoded)]
            }
            return fail(.session, reply, reply.description)
        }
        capabilities = SMTPServerCapabilities(ehloReply: reply)
        return afterHello()
    }

    private mutating func helo(_ reply: SMTPReply) -> [SMTPClientAction] {
        guard reply.isPositive else { return fail(.session, reply, reply.description) }
        capabilities = SMTPServerCapabilities()
        return becomeReady()
    }

    private var needsExtensions: Bool {
        (configuration.tls == .required && !isSecure) || configuration.credentials != nil
    }

    private mutating func afterHello() -> [SMTPClientAction] {
        if !isSecure {
            switch configuration.tls {
            case .opportunistic where capabilities.startTLS, .required where capabilities.startTLS:
                expected = [.startTLS]
                return [.write(SMTPCommand.startTLS.encoded)]
            case .required:
                return fail(.session, nil, "TLS required but not offered by the server")
            default:
                break
            }
        }
        return authenticateOrBecomeReady()
    }

    private mutating func startTLSReply(_ reply: SMTPReply) -> [SMTPClientAction] {
        guard reply.isPositive else {
            if configuration.tls == .required { return fail(.session, reply, "STARTTLS refused: \(reply)") }
            return authenticateOrBecomeReady()
        }
        phase = .tlsHandshake
        return [.startTLS]
    }

    private mutating func authenticateOrBecomeReady() -> [SMTPClientAction] {
        guard let credentials = configuration.credentials else { return becomeReady() }
        // Credentials never travel in clear text (OpenSMTPD only authenticates over TLS, too).
        guard isSecure else { return fail(.authentication, nil, "AUTH needs TLS, and the session is not secure") }
        let mechanisms = capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            let token = Base64.encode([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))
            expected = [.authPlain]
            return [.write(SMTPCommand.auth(mechanism: "PLAIN", initialResponse: SASLInitialResponse(token)).encoded)]
        }
        if mechanisms.contains("LOGIN") {
            expected = [.authLoginUser]
            return [.write(SMTPCommand.auth(mechanism: "LOGIN", initialResponse: nil).encoded)]
        }
        return fail(.authentication, nil, "The server offers no AUTH mechanism we support (PLAIN, LOGIN)")
    }

    private mutating func authReply(_ reply: SMTPReply, step: Expected) -> [SMTPClientAction] {
        guard let credentials = configuration.credentials else { return fail(.authentication, reply, "AUTH") }
        switch (step, reply.code) {
        case (.authPlain, 235), (.authLoginDone, 235):
            return becomeReady()
        case (.authLoginUser, 334):
            expected = [.authLoginPassword]
            return [.write(Array((Base64.encode(Array(credentials.username.utf8)) + "\r\n").utf8))]
        case (.authLoginPassword, 334):
            expected = [.authLoginDone]
            return [.write(Array((Base64.encode(Array(credentials.password.utf8)) + "\r\n").utf8))]
        default:
            return fail(.authentication, reply, "Authentication failed: \(reply)")
        }
    }

    private mutating func becomeReady() -> [SMTPClientAction] {
        phase = .ready
        expected = []
        return [.ready(capabilities)]
    }

    // MARK: - Transactions

    private func mailCommand(_ request: SMTPClientTransaction) -> SMTPCommand {
        var parameters = request.parameters
        let size = capabilities.size
        parameters.size = size.offered ? UInt64(request.body.count) : nil
        if !capabilities.eightBitMIME { parameters.body = nil }
        if !capabilities.smtpUTF8 { parameters.smtpUTF8 = false }
        if !capabilities.dsn {
            parameters.dsnReturn = nil
            parameters.envelopeID = nil
        }
        parameters.auth = nil
        return .mail(from: request.sender, parameters: parameters)
    }

    private func rcptCommand(_ recipient: SMTPClientTransaction.Recipient) -> SMTPCommand {
        .rcpt(to: recipient.path, parameters: capabilities.dsn ? recipient.parameters : RecipientParameters())
    }

    private mutating func transactionReply(_ reply: SMTPReply, _ what: Expected) -> [SMTPClientAction] {
        guard var current = transaction else {
            return fail(.transaction, reply, "Protocol error: reply \"\(reply)\" outside a transaction")
        }
        let pipelined = capabilities.pipelining
        var write: [UInt8]?
        var finishing: Bool?  // nil: not finished; else whether to reset
        switch what {
        case .mail:
            current.mailReply = reply
            if !pipelined {
                if reply.isPositive {
                    expected.append(.rcpt(0))
                    write = rcptCommand(current.request.recipients[0]).encoded
                } else {
                    finishing = true
                }
            }
        case .rcpt(let index):
            current.rcptReplies[index] = reply
            let next = index + 1
            if pipelined {
                break
            } else if next < current.request.recipients.count {
                expected.append(.rcpt(next))
                write = rcptCommand(current.request.recipients[next]).encoded
            } else if current.acceptedIndices.isEmpty {
                finishing = true
            } else {
                expected.append(.data)
                write = SMTPCommand.data.encoded
            }
        case .data:
            let accepted = current.mailReply?.isPositive == true ? current.acceptedIndices : []
            if reply.code != 354 {
                for index in accepted { current.finalReplies[index] = reply }
                finishing = true
            } else if accepted.isEmpty {
                // RFC 2920 §3.1: DATA was pipelined but no recipient was taken; end the empty data at once.
                expected.append(.emptyDataEnd)
                write = SMTPDataEncoder.encode([UInt8]())
            } else {
                if configuration.protocolKind == .lmtp {
                    expected.append(contentsOf: accepted.map { .lmtpDataEnd($0) })
                } else {
                    expected.append(.dataEnd)
                }
                write = SMTPDataEncoder.encode(current.request.body)
            }
        case .dataEnd:
            current.dataSent = true
            for index in current.acceptedIndices { current.finalReplies[index] = reply }
            finishing = false
        case .lmtpDataEnd(let index):
            current.dataSent = true
            current.finalReplies[index] = reply
            if expected.isEmpty { finishing = false }
        case .emptyDataEnd:
            finishing = true
        case .rset:
            transaction = current
            return deliverResults()
        default:
            break
        }
        transaction = current
        if let reset = finishing { return finish(reset: reset) }
        return write.map { [.write($0)] } ?? []
    }

    /// The final reply of each recipient, from what the server said so far.
    private static func results(of current: Transaction, open: SMTPReply) -> [SMTPReply] {
        current.request.recipients.indices.map { index in
            if let mail = current.mailReply, !mail.isPositive { return mail }
            if let rcpt = current.rcptReplies[index], !rcpt.isPositive { return rcpt }
            return current.finalReplies[index] ?? open
        }
    }

    /// Fills every recipient's final reply and, unless the data was accepted, resets the server's transaction
    /// before reporting.
    private mutating func finish(reset: Bool) -> [SMTPClientAction] {
        guard var current = transaction else { return [] }
        current.completed = Self.results(
            of: current, open: SMTPReply(451, EnhancedStatusCode(4, 5, 0), "Transaction ended without a reply"))
        transaction = current
        if reset && !current.dataSent {
            expected.append(.rset)
            return [.write(SMTPCommand.rset.encoded)]
        }
        return deliverResults()
    }

    private mutating func deliverResults() -> [SMTPClientAction] {
        let results = transaction?.completed ?? []
        transaction = nil
        phase = .ready
        expected = []
        return [.transactionCompleted(results)]
    }

    private mutating func complete(allOpenWith reply: SMTPReply, reset: Bool) -> [SMTPClientAction] {
        transaction?.mailReply = reply
        return finish(reset: reset)
    }

    // MARK: - Failure

    /// Stops the session. A running transaction first completes, its open recipients with a 4xx (the server
    /// never confirmed them, so the message must be tried again; RFC 5321 §6.1's duplicate risk is accepted,
    /// as every MTA does).
    private mutating func fail(_ stage: SMTPClientFailure.Stage, _ reply: SMTPReply?, _ text: String)
        -> [SMTPClientAction]
    {
        var actions: [SMTPClientAction] = []
        if let current = transaction {
            let temporary = reply.flatMap { $0.isTransientFailure ? $0 : nil }
                ?? SMTPReply(421, EnhancedStatusCode(4, 4, 2), text)
            actions.append(.transactionCompleted(current.completed ?? Self.results(of: current, open: temporary)))
            transaction = nil
        }
        phase = .done
        expected = []
        actions.append(.failed(SMTPClientFailure(stage: stage, reply: reply, text: text)))
        return actions
    }
}
