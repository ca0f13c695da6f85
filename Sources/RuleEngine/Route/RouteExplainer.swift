public import ConfParser

/// `smtpctl route`: asks the rule engine where mail for one recipient would go, without a running server and
/// without sending anything. OpenSMTPD has no such command; it answers the question an administrator otherwise
/// answers by sending test mail and reading logs.
///
/// The answer is exactly what a session would get at RCPT TO: the same rules, tables, aliases, virtual entries
/// and .forward files, so it shows the deciding rule, the reply, and each final delivery with its path, command
/// or relay host.
public enum RouteExplainer {
    /// - Parameters:
    ///   - request: the recipient and the session facts from the command line.
    ///   - config: the parsed configuration.
    ///   - tables: its tables.
    ///   - files: how .forward and include files are read.
    ///   - rulesetOptions: Tern's rules, or OpenSMTPD's (`.openSMTPD`).
    ///   - expansionOptions: nil for the configuration's sub-address delimiter and the `_smtpd` user.
    ///   - srs: decodes SRS recipients of bounces, when the configuration has an `srs key`.
    /// - Throws: `RouteError` for unusable input, or tables that do not fit the configuration.
    public static func explain(
        _ request: RouteRequest,
        config: Config,
        tables: some TableProvider,
        files: any ExpansionFileReader = SystemExpansionFiles(),
        rulesetOptions: RulesetOptions = .init(),
        expansionOptions: ExpansionOptions? = nil,
        srs: (any SRSDecoding)? = nil
    ) throws(RouteError) -> RouteExplanation {
        let recipientRequest = try recipientRequest(request, config: config)
        let expander: RecipientExpander
        do {
            let ruleset = try Ruleset(config: config, tables: tables, options: rulesetOptions)
            expander = try RecipientExpander(
                config: config, ruleset: ruleset, tables: tables, files: files, options: expansionOptions, srs: srs)
        } catch {
            throw .missingTable(error)
        }
        let result = expander.expand(recipientRequest)
        return explanation(result, request: recipientRequest, config: config)
    }

    /// The session and addresses the command line describes.
    static func recipientRequest(_ request: RouteRequest, config: Config) throws(RouteError) -> RecipientRequest {
        let rcpt: MailAddress
        do {
            rcpt = try MailAddress.parseArgument(request.recipient, isMailFrom: false, defaultDomain: request.serverName)
        } catch {
            throw .invalidRecipient(request.recipient, error)
        }
        var sender = MailAddress.null
        if let text = request.sender, !text.isEmpty {
            do {
                sender = try MailAddress.parseArgument(text, isMailFrom: true, defaultDomain: request.serverName)
            } catch {
                throw .invalidSender(text, error)
            }
        }
        var session: SessionFacts
        if let address = request.clientAddress {
            guard !request.socket else { throw .socketWithClientAddress }
            guard let text = SessionFacts.clientAddressText(forIP: address) else {
                throw .invalidClientAddress(address)
            }
            session = SessionFacts(clientAddress: text, reverseName: request.reverseName, listenerTag: request.tag)
            session.authenticatedUser = request.authenticatedUser
        } else {
            session = .localSocket(
                serverName: request.reverseName ?? request.serverName,
                listenerTag: request.tag ?? config.socketListener?.tag)
            if let user = request.authenticatedUser { session.authenticatedUser = user }
        }
        session.helo = request.helo ?? ""
        session.tls = request.tls
        return RecipientRequest(session: session, sender: sender, rcpt: rcpt)
    }

    static func explanation(_ result: ExpansionResult, request: RecipientRequest, config: Config)
        -> RouteExplanation
    {
        let decision: RouteExplanation.Decision
        if let refusal = result.refusal {
            decision = refusal.reply.isTemporary ? .tempfail : .reject
        } else {
            decision = .accept
        }
        var explanation = RouteExplanation(
            decision: decision, reply: result.refusal?.reply.line, reason: result.refusal?.reason,
            deliveries: result.envelopes.map(delivery), session: describe(request), steps: result.steps)
        if let index = result.decision?.ruleIndex, index < config.rules.count {
            let rule = config.rules[index]
            explanation.ruleNumber = index + 1
            explanation.line = rule.location.line > 0 ? rule.location.line : nil
            explanation.ruleText = ruleText(index, config: config)
            if case .action(let name) = rule.decision { explanation.action = name }
        }
        return explanation
    }

    /// The rule as the canonical printer writes it: its `index`-th `match` line.
    static func ruleText(_ index: Int, config: Config) -> String? {
        var rulesOnly = Config()
        rulesOnly.rules = [config.rules[index]]
        return ConfigPrinter.print(rulesOnly).split(separator: "\n").first { $0.hasPrefix("match") }.map(String.init)
    }

    static func delivery(_ envelope: Envelope) -> RouteExplanation.Delivery {
        var delivery = RouteExplanation.Delivery(
            rcpt: envelope.rcpt.replyText, dest: envelope.dest.replyText, method: envelope.delivery.methodName,
            user: envelope.user, subaddress: envelope.subaddress)
        if let runsAs = envelope.deliveryUser, runsAs != envelope.user { delivery.runsAs = runsAs }
        switch envelope.delivery {
        case .maildir(let path, _), .mbox(let path), .file(let path):
            delivery.path = path
        case .lmtp(let destination, _):
            delivery.host = destination
        case .mda(let command), .pipe(let command):
            delivery.command = command
        case .relay(let route):
            switch route {
            case .mx(let domain): delivery.mx = domain
            case .smarthost(let url), .domainRelay(let url): delivery.host = url
            case .unavailable(let reason): delivery.note = reason
            }
        }
        if envelope.user != nil {
            if envelope.userInfo == nil {
                delivery.note = "user \(envelope.user ?? "") is not in the userbase: the delivery would fail"
            } else if envelope.userInfo?.uid == 0, envelope.deliveryUser == envelope.user,
                      delivery.method != "mbox"
            {
                delivery.note = "OpenSMTPD refuses to deliver as root except to mbox"
            }
        }
        return delivery
    }

    static func describe(_ request: RecipientRequest) -> String {
        let session = request.session
        var words = [session.isLocalSocket ? "local socket" : "client \(session.clientAddress)"]
        if let name = session.reverseName, !session.isLocalSocket { words.append("rdns \(name)") }
        if !session.helo.isEmpty { words.append("helo \(session.helo)") }
        if let user = session.authenticatedUser {
            words.append(user.isEmpty ? "authenticated" : "auth \(user)")
        }
        if session.tls { words.append("tls") }
        if let tag = session.listenerTag { words.append("tag \(tag)") }
        words.append("mail from <\(request.sender.replyText)>")
        return words.joined(separator: ", ")
    }
}
