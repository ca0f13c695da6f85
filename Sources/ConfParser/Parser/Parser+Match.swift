extension ConfigParser {
    /// `match : MATCH match_option* (REJECT | ACTION STRING)`
    ///
    /// Without a `from` option a rule means `from local`; without a `for` option, `for local`.
    mutating func parseMatch() throws(ParseInterruption) {
        let start = accept().location
        var rule = MatchRule(decision: .reject, location: start)
        var sawAuthFlag = false
        while true {
            let token = peek()
            switch token.kind {
            case .keyword(.reject):
                accept()
                rule.decision = .reject
                finish(&rule)
                return
            case .keyword(.action):
                accept()
                let name = try expectString("an action name")
                guard state.dispatchers.contains(name) else {
                    throw reject("no such dispatcher: \(name)",
                                 hint: suggestion(for: name, among: Array(state.dispatchers).sorted(),
                                                  what: "actions must be declared above the match that uses them"))
                }
                rule.decision = .action(name)
                finish(&rule)
                return
            default:
                try parseMatchOption(&rule, sawAuthFlag: &sawAuthFlag)
            }
        }
    }

    private mutating func finish(_ rule: inout MatchRule) {
        if rule.from == nil { rule.from = .init(source: .local) }
        if rule.destination == nil { rule.destination = .init(destination: .local) }
        config.rules.append(rule)
    }

    /// `match_option : negation (TAG … | HELO … | TLS | AUTH … | MAIL_FROM … | RCPT_TO … | FROM … | FOR …)`
    private mutating func parseMatchOption(_ rule: inout MatchRule, sawAuthFlag: inout Bool) throws(ParseInterruption) {
        var negated = false
        if peek().kind == .punctuation(UInt8(ascii: "!")) {
            accept()
            negated = true
        }
        let token = peek()
        switch token.kind {
        case .keyword(.tag):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if rule.tag != nil { throw reject("tag already specified for this rule") }
            try requireTable(name, kinds: [.dynamic, .list], services: criterion.regex ? .regex : .string,
                             message: "table \"\(name)\" may not be used for tag lookups")
            rule.tag = criterion
        case .keyword(.helo):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if rule.helo != nil { throw reject("helo already specified for this rule") }
            try requireTable(name, kinds: [.dynamic, .list], services: criterion.regex ? .regex : .domain,
                             message: "table \"\(name)\" may not be used for helo lookups")
            rule.helo = criterion
        case .keyword(.tls):
            accept()
            if rule.tls != nil { throw reject("tls already specified for this rule") }
            rule.tls = negated
        case .keyword(.auth):
            accept()
            if startsTableArgument(peek()) || peek().kind == .keyword(.regex) {
                let (criterion, name) = try parseTableCriterion(negated: negated)
                if sawAuthFlag { throw reject("auth already specified for this rule") }
                let kinds: TableRegistry.KindMask = criterion.regex ? [.dynamic, .list] : [.dynamic, .list, .hash]
                try requireTable(name, kinds: kinds, services: criterion.regex ? .regex : [.string, .credentials],
                                 message: "table \"\(name)\" may not be used for auth lookups")
                rule.auth = .init(negated: negated, regex: criterion.regex, table: criterion.table)
            } else {
                if sawAuthFlag { throw reject("auth already specified for this rule") }
                rule.auth = .init(negated: negated)
            }
            sawAuthFlag = true
        case .keyword(.mailFrom):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if rule.mailFrom != nil { throw reject("mail-from already specified for this rule") }
            try requireTable(name, kinds: mailAddressKinds(criterion), services: criterion.regex ? .regex : .mailaddr,
                             message: "table \"\(name)\" may not be used for mail-from lookups")
            rule.mailFrom = criterion
        case .keyword(.rcptTo):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if rule.rcptTo != nil { throw reject("rcpt-to already specified for this rule") }
            try requireTable(name, kinds: mailAddressKinds(criterion), services: criterion.regex ? .regex : .mailaddr,
                             message: "table \"\(name)\" may not be used for rcpt-to lookups")
            rule.rcptTo = criterion
        case .keyword(.from):
            accept()
            try parseFromOption(&rule, negated: negated, sawAuthFlag: &sawAuthFlag)
        case .keyword(.for):
            accept()
            try parseForOption(&rule, negated: negated)
        default:
            suggestionCandidates = ["from", "for", "tag", "helo", "auth", "tls", "mail-from", "rcpt-to", "action",
                                    "reject"]
            throw .syntax(expected: "a match option, \"action\" or \"reject\"", hint: matchHint(for: token))
        }
    }

    /// 6.8 accepts list tables for addresses; 7.5 also mappings (keys are used).
    private func mailAddressKinds(_ criterion: MatchRule.TableCriterion) -> TableRegistry.KindMask {
        criterion.regex ? [.dynamic, .list] : [.dynamic, .list, .hash]
    }

    /// `[REGEX] tables`
    private mutating func parseTableCriterion(negated: Bool) throws(ParseInterruption)
        -> (MatchRule.TableCriterion, String)
    {
        var regex = false
        if peek().kind == .keyword(.regex) {
            accept()
            regex = true
        }
        let (ref, name) = try parseTables()
        return (.init(negated: negated, regex: regex, table: ref), name)
    }

    /// `FROM (SOCKET | LOCAL | ANY | SRC [REGEX] tables | RDNS [[REGEX] tables] | AUTH [[REGEX] tables]
    ///        | MAIL_FROM [REGEX] tables)`
    private mutating func parseFromOption(_ rule: inout MatchRule, negated: Bool, sawAuthFlag: inout Bool)
        throws(ParseInterruption)
    {
        let token = peek()
        let duplicate = rule.from != nil
        switch token.kind {
        case .keyword(.socket), .keyword(.local), .keyword(.any):
            let kind = accept().kind
            if duplicate { throw reject("from already specified for this rule") }
            let source: MatchRule.Source = kind == .keyword(.socket) ? .socket : kind == .keyword(.local) ? .local : .any
            rule.from = .init(negated: negated, source: source)
        case .keyword(.src):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if duplicate { throw reject("from already specified for this rule") }
            try requireTable(name, kinds: [.dynamic, .list], services: criterion.regex ? .regex : .netaddr,
                             message: "table \"\(name)\" may not be used for from lookups")
            rule.from = .init(negated: negated, source: .src(criterion.table, regex: criterion.regex))
        case .keyword(.rdns):
            accept()
            if startsTableArgument(peek()) || peek().kind == .keyword(.regex) {
                let (criterion, name) = try parseTableCriterion(negated: negated)
                if duplicate { throw reject("from already specified for this rule") }
                try requireTable(name, kinds: [.dynamic, .list], services: .domain,
                                 message: "table \"\(name)\" may not be used for rdns lookups")
                rule.from = .init(negated: negated, source: .rdns(criterion.table, regex: criterion.regex))
            } else {
                if duplicate { throw reject("from already specified for this rule") }
                rule.from = .init(negated: negated, source: .rdns(nil, regex: false))
            }
        case .keyword(.auth):
            accept()
            if startsTableArgument(peek()) || peek().kind == .keyword(.regex) {
                let (criterion, name) = try parseTableCriterion(negated: negated)
                if duplicate { throw reject("from already specified for this rule") }
                try requireTable(name, kinds: [.dynamic, .list],
                                 services: criterion.regex ? .regex : [.string, .credentials],
                                 message: "table \"\(name)\" may not be used for from lookups")
                rule.auth = .init(negated: negated, regex: criterion.regex, table: criterion.table)
            } else {
                if duplicate { throw reject("from already specified for this rule") }
                rule.auth = .init(negated: negated)
            }
            // `from auth` checks only for another `from`; a later `auth` option is the one that complains.
            sawAuthFlag = true
            rule.from = .init(negated: false, source: .any)
        case .keyword(.mailFrom):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if duplicate { throw reject("from already specified for this rule") }
            try requireTable(name, kinds: mailAddressKinds(criterion), services: criterion.regex ? .regex : .mailaddr,
                             message: "table \"\(name)\" may not be used for from lookups")
            rule.from = .init(negated: false, source: .any)
            rule.mailFrom = criterion
        default:
            throw .syntax(expected: "socket, local, any, src, rdns, auth or mail-from", hint: unquotedHint(for: token))
        }
    }

    /// `FOR (LOCAL | ANY | DOMAIN [REGEX] tables | RCPT_TO [REGEX] tables)`
    private mutating func parseForOption(_ rule: inout MatchRule, negated: Bool) throws(ParseInterruption) {
        let token = peek()
        let duplicate = rule.destination != nil
        switch token.kind {
        case .keyword(.local), .keyword(.any):
            let kind = accept().kind
            if duplicate { throw reject("for already specified for this rule") }
            rule.destination = .init(negated: negated, destination: kind == .keyword(.local) ? .local : .any)
        case .keyword(.domain):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if duplicate { throw reject("for already specified for this rule") }
            try requireTable(name, kinds: [.dynamic, .list], services: criterion.regex ? .regex : .domain,
                             message: "table \"\(name)\" may not be used for 'for' lookups")
            rule.destination = .init(negated: negated, destination: .domain(criterion.table, regex: criterion.regex))
        case .keyword(.rcptTo):
            accept()
            let (criterion, name) = try parseTableCriterion(negated: negated)
            if duplicate { throw reject("for already specified for this rule") }
            try requireTable(name, kinds: mailAddressKinds(criterion), services: criterion.regex ? .regex : .mailaddr,
                             message: "table \"\(name)\" may not be used for for lookups")
            rule.destination = .init(negated: false, destination: .any)
            rule.rcptTo = criterion
        default:
            throw .syntax(expected: "local, any, domain or rcpt-to", hint: unquotedHint(for: token))
        }
    }

    private func matchHint(for token: Token) -> String? {
        if case .newline = token.kind { return "a match rule ends with `action NAME` or `reject`" }
        if case .string(let word) = token.kind, word == "tagged" || word == "deliver" {
            return "this is the pre-6.4 grammar"
        }
        return unquotedHint(for: token)
    }
}
