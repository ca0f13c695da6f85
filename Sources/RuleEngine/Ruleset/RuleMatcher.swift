/// The outcome of one criterion, or of a whole rule: OpenSMTPD's 1, 0 and -1.
enum CriterionResult: Sendable, Hashable {
    case matched
    case notMatched
    /// The check could not be made; the text says why (for logs and `smtpctl route`).
    case failed(String)

    /// `MATCH_RESULT(r, neg)`: a failure stays a failure; otherwise `!` swaps the answer.
    func negated(_ negated: Bool) -> CriterionResult {
        guard negated else { return self }
        switch self {
        case .matched: return .notMatched
        case .notMatched: return .matched
        case .failed: return self
        }
    }

    init(_ matched: Bool) { self = matched ? .matched : .notMatched }
}

/// The criterion checks of ruleset.c, one function per `ruleset_match_*`.
enum RuleMatcher {
    /// The whole rule: each criterion in OpenSMTPD's order, stopping at the first that does not match, so a
    /// failing table behind an earlier mismatch is never asked.
    static func matches(_ rule: CompiledRule, _ query: RuleQuery, options: RulesetOptions) -> CriterionResult {
        var result = tag(rule, query)
        guard result == .matched else { return result }
        result = from(rule, query)
        guard result == .matched else { return result }
        result = destination(rule, query)
        guard result == .matched else { return result }
        result = helo(rule, query)
        guard result == .matched else { return result }
        result = auth(rule, query)
        guard result == .matched else { return result }
        result = tls(rule, query, options: options)
        guard result == .matched else { return result }
        result = mailFrom(rule, query)
        guard result == .matched else { return result }
        return rcptTo(rule, query)
    }

    static func ask(_ check: CompiledRule.TableCheck, _ key: String) -> CriterionResult {
        check.ask(key)
    }

    /// `tag [regex] T`: the listener's tag, empty when it has none.
    static func tag(_ rule: CompiledRule, _ query: RuleQuery) -> CriterionResult {
        guard let check = rule.tag else { return .matched }
        return ask(check, query.request.session.listenerTag ?? "")
    }

    /// `from …`. For an address that came out of an expansion, the key is `local`, and a criterion without a
    /// table (`from socket`, plain `from rdns`) never matches, negated or not. Otherwise:
    /// - `from rdns` matches when the client has a reverse name;
    /// - `from rdns T` never matches a client without one (negated or not), else looks the name up;
    /// - `from socket` compares the client address text with `local`;
    /// - the rest look the client address text up.
    static func from(_ rule: CompiledRule, _ query: RuleQuery) -> CriterionResult {
        guard let check = rule.from else { return .matched }
        let session = query.request.session
        switch check {
        case .socket(let negated):
            if query.isInternal { return .notMatched }
            return CriterionResult(session.isLocalSocket).negated(negated)
        case .address(let tableCheck):
            return ask(tableCheck, query.isInternal ? SessionFacts.socketAddressText : session.clientAddress)
        case .reverseName(let tableCheck, let negated):
            guard let tableCheck else {
                if query.isInternal { return .notMatched }
                return CriterionResult(session.reverseName != nil).negated(negated)
            }
            if query.isInternal { return ask(tableCheck, SessionFacts.socketAddressText) }
            guard let name = session.reverseName else { return .notMatched }
            return ask(tableCheck, name)
        }
    }

    /// `for …`: the destination's domain.
    static func destination(_ rule: CompiledRule, _ query: RuleQuery) -> CriterionResult {
        guard let check = rule.destination else { return .matched }
        return ask(check, query.destination.domain)
    }

    /// `helo [regex] T`: the HELO/EHLO name.
    static func helo(_ rule: CompiledRule, _ query: RuleQuery) -> CriterionResult {
        guard let check = rule.helo else { return .matched }
        return ask(check, query.request.session.helo)
    }

    /// `auth`, `auth T`, `auth regex T`. An unauthenticated session does not match (so `!auth` does). A user
    /// name with an `@` is looked up as a mail address, any other as a plain string.
    static func auth(_ rule: CompiledRule, _ query: RuleQuery) -> CriterionResult {
        guard let check = rule.auth else { return .matched }
        guard let user = query.request.session.authenticatedUser else {
            return CriterionResult.notMatched.negated(check.negated)
        }
        guard let table = check.table else { return CriterionResult.matched.negated(check.negated) }
        let service: TableService = check.regex ? .regex : (user.contains("@") ? .mailaddr : .string)
        do {
            return CriterionResult(try table.match(service, key: user)).negated(check.negated)
        } catch {
            return .failed(error.description)
        }
    }

    /// `tls` / `!tls`: see `RulesetOptions.TLSCriterion`.
    static func tls(_ rule: CompiledRule, _ query: RuleQuery, options: RulesetOptions) -> CriterionResult {
        guard let negated = rule.tlsNegated else { return .matched }
        switch options.tlsCriterion {
        case .matchSessionTLS:
            return CriterionResult(query.request.session.tls).negated(negated)
        case .alwaysTemporaryFailure:
            return .failed("the tls criterion is not implemented in OpenSMTPD")
        }
    }

    /// `mail-from [regex] T`: the sender as `user@domain` (`@` for `<>`).
    static func mailFrom(_ rule: CompiledRule, _ query: RuleQuery) -> CriterionResult {
        guard let check = rule.mailFrom else { return .matched }
        return ask(check, query.request.sender.text)
    }

    /// `rcpt-to [regex] T`: the address being routed as `user@domain`.
    static func rcptTo(_ rule: CompiledRule, _ query: RuleQuery) -> CriterionResult {
        guard let check = rule.rcptTo else { return .matched }
        return ask(check, query.destination.text)
    }
}
