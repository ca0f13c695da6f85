extension ConfigPrinter {
    /// `match [criteria] action "NAME"` or `match [criteria] reject`.
    ///
    /// Each criterion is printed on its own, in OpenSMTPD's order (tag, from, for, helo, auth, tls, mail-from,
    /// rcpt-to). `from auth T` and `from mail-from T` are stored as `from any` plus an auth or mail-from
    /// criterion, and `for rcpt-to T` as `for any` plus an rcpt-to criterion, so they print that way, which
    /// parses to the same rule.
    static func line(for rule: MatchRule) -> String {
        var statement = StatementWords("match")
        if let tag = rule.tag { statement.add(criterionWords("tag", tag)) }
        if let from = rule.from { statement.add(negation(from.negated) + "from " + sourceWords(from.source)) }
        if let destination = rule.destination {
            statement.add(negation(destination.negated) + "for " + destinationWords(destination.destination))
        }
        if let helo = rule.helo { statement.add(criterionWords("helo", helo)) }
        if let auth = rule.auth { statement.add(authWords(auth)) }
        if let tlsNegated = rule.tls { statement.add(negation(tlsNegated) + "tls") }
        if let mailFrom = rule.mailFrom { statement.add(criterionWords("mail-from", mailFrom)) }
        if let rcptTo = rule.rcptTo { statement.add(criterionWords("rcpt-to", rcptTo)) }
        switch rule.decision {
        case .action(let name): statement.add("action", quoted: name)
        case .reject: statement.add("reject")
        }
        return statement.text
    }

    private static func negation(_ negated: Bool) -> String { negated ? "!" : "" }

    private static func criterionWords(_ keyword: String, _ criterion: MatchRule.TableCriterion) -> String {
        negation(criterion.negated) + tableCriterion(keyword, criterion.table, regex: criterion.regex)
    }

    private static func sourceWords(_ source: MatchRule.Source) -> String {
        switch source {
        case .socket: "socket"
        case .local: "local"
        case .any: "any"
        case .src(let table, let regex): tableCriterion("src", table, regex: regex)
        case .rdns(nil, _): "rdns"
        case .rdns(let table?, let regex): tableCriterion("rdns", table, regex: regex)
        }
    }

    private static func destinationWords(_ destination: MatchRule.Destination) -> String {
        switch destination {
        case .local: "local"
        case .any: "any"
        case .domain(let table, let regex): tableCriterion("domain", table, regex: regex)
        }
    }

    private static func authWords(_ auth: MatchRule.AuthCriterion) -> String {
        guard let table = auth.table else { return negation(auth.negated) + "auth" }
        return negation(auth.negated) + tableCriterion("auth", table, regex: auth.regex)
    }
}
