import ConfParser

/// One `match` rule with its tables resolved, in the shape of OpenSMTPD's `struct rule`: each criterion is
/// present or not, carries its negation, and names the lookup service its table is asked with.
///
/// A class, so that walking the rules retains one reference per rule instead of copying every table existential.
final class CompiledRule: Sendable {
    /// A table and how to ask it. A class, like the rule, so that checks are passed around by reference.
    final class TableCheck: Sendable {
        let table: any LookupTable
        let service: TableService
        let negated: Bool

        init(table: any LookupTable, service: TableService, negated: Bool) {
            self.table = table
            self.service = service
            self.negated = negated
        }

        /// Whether `key` matches, `!` applied; a table error is a failure.
        func ask(_ key: String) -> CriterionResult {
            do {
                return CriterionResult(try table.match(service, key: key)).negated(negated)
            } catch {
                return .failed(error.description)
            }
        }
    }

    /// The `from` criterion. `local`, `any`, `src` and `from auth`/`from mail-from` (which mean `<anyhost>`) all
    /// look the client address up in a table.
    enum FromCheck: Sendable {
        case socket(negated: Bool)
        case address(TableCheck)
        /// `from rdns` (no table: "has a reverse name") or `from rdns [regex] T`.
        case reverseName(TableCheck?, negated: Bool)
    }

    /// The `auth` criterion: authenticated at all, or as a user listed in `table`.
    final class AuthCheck: Sendable {
        let table: (any LookupTable)?
        let regex: Bool
        let negated: Bool

        init(table: (any LookupTable)?, regex: Bool, negated: Bool) {
            self.table = table
            self.regex = regex
            self.negated = negated
        }
    }

    let index: Int
    let location: SourceLocation
    let decision: MatchRule.Decision
    let tag: TableCheck?
    let from: FromCheck?
    let destination: TableCheck?
    let helo: TableCheck?
    let auth: AuthCheck?
    /// `tls` or `!tls`: the negation flag, or nil when the rule has no such criterion.
    let tlsNegated: Bool?
    let mailFrom: TableCheck?
    let rcptTo: TableCheck?

    init(_ rule: MatchRule, index: Int, tables: some TableProvider) throws(MissingTableError) {
        let usedBy = "match rule \(index + 1)"
        func check(_ criterion: MatchRule.TableCriterion?, _ service: TableService) throws(MissingTableError)
            -> TableCheck?
        {
            guard let criterion else { return nil }
            return TableCheck(
                table: try tables.resolve(criterion.table, usedBy: usedBy),
                service: criterion.regex ? .regex : service, negated: criterion.negated)
        }
        self.index = index
        self.location = rule.location
        self.decision = rule.decision
        self.tag = try check(rule.tag, .string)
        self.helo = try check(rule.helo, .domain)
        self.mailFrom = try check(rule.mailFrom, .mailaddr)
        self.rcptTo = try check(rule.rcptTo, .mailaddr)
        self.tlsNegated = rule.tls
        if let auth = rule.auth {
            var table: (any LookupTable)? = nil
            if let reference = auth.table { table = try tables.resolve(reference, usedBy: usedBy) }
            self.auth = AuthCheck(table: table, regex: auth.regex, negated: auth.negated)
        } else {
            self.auth = nil
        }
        // The grammar always sets `from` and `for` (to `local`); a rule built in code gets the same defaults.
        let from = rule.from ?? MatchRule.FromCriterion(source: .local)
        let destination = rule.destination ?? MatchRule.ForCriterion(destination: .local)
        switch from.source {
        case .socket:
            self.from = .socket(negated: from.negated)
        case .local:
            self.from = .address(.init(
                table: try tables.resolve(named: BuiltinTableName.localhost, usedBy: usedBy), service: .netaddr,
                negated: from.negated))
        case .any:
            self.from = .address(.init(
                table: try tables.resolve(named: BuiltinTableName.anyhost, usedBy: usedBy), service: .netaddr,
                negated: from.negated))
        case .src(let reference, let regex):
            self.from = .address(.init(
                table: try tables.resolve(reference, usedBy: usedBy), service: regex ? .regex : .netaddr,
                negated: from.negated))
        case .rdns(let reference, let regex):
            var check: TableCheck? = nil
            if let reference {
                check = TableCheck(
                    table: try tables.resolve(reference, usedBy: usedBy), service: regex ? .regex : .netaddr,
                    negated: from.negated)
            }
            self.from = .reverseName(check, negated: from.negated)
        }
        switch destination.destination {
        case .local:
            self.destination = .init(
                table: try tables.resolve(named: BuiltinTableName.localnames, usedBy: usedBy), service: .domain,
                negated: destination.negated)
        case .any:
            self.destination = .init(
                table: try tables.resolve(named: BuiltinTableName.anydestination, usedBy: usedBy),
                service: .domain, negated: destination.negated)
        case .domain(let reference, let regex):
            self.destination = .init(
                table: try tables.resolve(reference, usedBy: usedBy), service: regex ? .regex : .domain,
                negated: destination.negated)
        }
    }
}
