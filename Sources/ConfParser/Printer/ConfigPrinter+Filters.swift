extension ConfigPrinter {
    /// `proc "NAME" "COMMAND" [user "U"] [group "G"] [chroot "DIR"]`.
    static func line(for proc: ProcDecl) -> String {
        var statement = StatementWords("proc", quote(proc.name), quote(proc.command))
        addProcParams(&statement, user: proc.user, group: proc.group, chroot: proc.chroot)
        return statement.text
    }

    private static func addProcParams(_ statement: inout StatementWords, user: String?, group: String?,
                                      chroot: String?)
    {
        statement.add("user", quoted: user)
        statement.add("group", quoted: group)
        statement.add("chroot", quoted: chroot)
    }

    /// `filter "NAME" proc …`, `proc-exec …`, `phase …` or `chain { … }`.
    static func line(for filter: FilterDecl) -> String {
        var statement = StatementWords("filter", quote(filter.name))
        switch filter.kind {
        case .proc(let proc):
            statement.add("proc", quoted: proc)
        case .procExec(let command, let user, let group, let chroot):
            statement.add("proc-exec", quoted: command)
            addProcParams(&statement, user: user, group: group, chroot: chroot)
        case .builtin(let builtin):
            statement.add(builtinWords(builtin))
        case .chain(let members):
            statement.add("chain " + filterList(members))
        }
        return statement.text
    }

    /// `phase PHASE match [!]CONDITION DECISION`.
    static func builtinWords(_ builtin: BuiltinFilter) -> String {
        var statement = StatementWords("phase", builtin.phase.rawValue, "match")
        statement.add((builtin.negated ? "!" : "") + conditionWords(builtin.condition))
        statement.add(decisionWords(builtin.decision))
        return statement.text
    }

    private static func conditionWords(_ condition: BuiltinFilter.Condition) -> String {
        switch condition {
        case .fcrdns: "fcrdns"
        case .rdns: "rdns"
        case .rdnsTable(let table, let regex): tableCriterion("rdns", table, regex: regex)
        case .src(let table, let regex): tableCriterion("src", table, regex: regex)
        case .helo(let table, let regex): tableCriterion("helo", table, regex: regex)
        case .auth: "auth"
        case .authTable(let table, let regex): tableCriterion("auth", table, regex: regex)
        case .mailFrom(let table, let regex): tableCriterion("mail-from", table, regex: regex)
        case .rcptTo(let table, let regex): tableCriterion("rcpt-to", table, regex: regex)
        }
    }

    private static func decisionWords(_ decision: BuiltinFilter.Decision) -> String {
        switch decision {
        case .reject(let message): "reject " + quote(message)
        case .disconnect(let message): "disconnect " + quote(message)
        case .rewrite(let value): "rewrite " + quote(value)
        case .report(let value): "report " + quote(value)
        case .junk: "junk"
        case .bypass: "bypass"
        }
    }

    /// `KEYWORD [regex] T`, as match rules and builtin filters write a table condition.
    static func tableCriterion(_ keyword: String, _ table: TableRef, regex: Bool) -> String {
        keyword + (regex ? " regex " : " ") + Self.table(table)
    }

    /// `filter "NAME"` or `filter { "a", "b" }` on a listener or a relay action.
    static func filterWords(_ filter: FilterRef) -> String {
        switch filter {
        case .named(let name): "filter " + quote(name)
        case .chain(let members): "filter " + filterList(members)
        }
    }

    /// `{ "a", "b" }`.
    private static func filterList(_ members: [String]) -> String {
        members.isEmpty ? "{ }" : "{ " + members.map(quote).joined(separator: ", ") + " }"
    }
}
