extension ConfigParser {
    /// `proc : PROC STRING STRING proc_params`
    mutating func parseProc() throws(ParseInterruption) {
        let start = accept().location
        let name = try expectString("a processor name")
        let command = try expectString("a command")
        if state.processors.contains(name) { throw reject("processor already exists with that name: \(name)") }
        var proc = ProcDecl(name: name, command: command, location: start)
        try parseProcParams(user: &proc.user, group: &proc.group, chroot: &proc.chroot)
        state.processors.insert(name)
        config.procs.append(proc)
    }

    /// `proc_params : (USER STRING | GROUP STRING | CHROOT STRING)*`
    private mutating func parseProcParams(user: inout String?, group: inout String?, chroot: inout String?)
        throws(ParseInterruption)
    {
        while true {
            switch peek().kind {
            case .keyword(.user):
                accept()
                let value = try expectString("a user name")
                if user != nil { throw reject("user already specified for this processor") }
                user = value
            case .keyword(.group):
                accept()
                let value = try expectString("a group name")
                if group != nil { throw reject("group already specified for this processor") }
                group = value
            case .keyword(.chroot):
                accept()
                let value = try expectString("a directory")
                if chroot != nil { throw reject("chroot already specified for this processor") }
                chroot = value
            default:
                return
            }
        }
    }

    /// ```
    /// filter : FILTER STRING PROC STRING
    ///        | FILTER STRING PROC_EXEC STRING proc_params
    ///        | FILTER STRING PHASE filter_phase
    ///        | FILTER STRING CHAIN '{' filter_list '}'
    /// ```
    mutating func parseFilter() throws(ParseInterruption) {
        let start = accept().location
        let name = try expectString("a filter name")
        let token = peek()
        switch token.kind {
        case .keyword(.proc):
            accept()
            let procName = try expectString("a processor name")
            if state.filters[name] != nil { throw reject("filter already exists with that name: \(name)") }
            guard state.processors.contains(procName) else {
                throw reject("no processor exist with that name: \(procName)",
                             hint: suggestion(for: procName, among: state.processors.sorted(),
                                              what: "declare `proc \(procName) \"command\"` above the filter"))
            }
            state.filters[name] = .init(isChain: false, proc: procName)
            config.filters.append(FilterDecl(name: name, kind: .proc(procName), location: start))
        case .keyword(.procExec):
            accept()
            let command = try expectString("a command")
            if state.filters[name] != nil { throw reject("filter already exists with that name: \(name)") }
            state.filters[name] = .init(isChain: false, proc: name)
            var user: String?, group: String?, chroot: String?
            try parseProcParams(user: &user, group: &group, chroot: &chroot)
            config.filters.append(FilterDecl(
                name: name, kind: .procExec(command: command, user: user, group: group, chroot: chroot),
                location: start))
        case .keyword(.phase):
            accept()
            if state.filters[name] != nil { throw reject("filter already exists with that name: \(name)") }
            state.filters[name] = .init(isChain: false, proc: nil)
            let builtin = try parseFilterPhase()
            config.filters.append(FilterDecl(name: name, kind: .builtin(builtin), location: start))
        case .keyword(.chain):
            accept()
            if state.filters[name] != nil { throw reject("filter already exists with that name: \(name)") }
            try expect(punctuation: UInt8(ascii: "{"))
            skipNewlines()
            let members = try parseFilterList()
            state.filters[name] = .init(isChain: true, proc: nil)
            config.filters.append(FilterDecl(name: name, kind: .chain(members), location: start))
        default:
            throw .syntax(expected: "proc, proc-exec, phase or chain", hint: unquotedHint(for: token))
        }
    }

    /// `filter_phase : PHASE-NAME MATCH condition decision`, with one condition and one decision.
    private mutating func parseFilterPhase() throws(ParseInterruption) -> BuiltinFilter {
        let token = peek()
        let phase: BuiltinFilter.Phase
        switch token.kind {
        case .keyword(.connect): phase = .connect
        case .keyword(.helo): phase = .helo
        case .keyword(.ehlo): phase = .ehlo
        case .keyword(.auth): phase = .auth
        case .keyword(.mailFrom): phase = .mailFrom
        case .keyword(.rcptTo): phase = .rcptTo
        case .keyword(.data): phase = .data
        case .keyword(.commit): phase = .commit
        default:
            throw .syntax(expected: "connect, helo, ehlo, auth, mail-from, rcpt-to, data or commit", hint: nil)
        }
        accept()
        try expect(.match)
        var negated = false
        if peek().kind == .punctuation(UInt8(ascii: "!")) {
            accept()
            negated = true
        }
        let condition = try parseFilterCondition(phase: phase)
        let decision = try parseFilterDecision(phase: phase)
        return BuiltinFilter(phase: phase, negated: negated, condition: condition, decision: decision)
    }

    private mutating func parseFilterCondition(phase: BuiltinFilter.Phase) throws(ParseInterruption)
        -> BuiltinFilter.Condition
    {
        let heloAllowed = phase != .connect
        let authAllowed = [.auth, .mailFrom, .rcptTo, .data, .commit].contains(phase)
        let mailFromAllowed = [.mailFrom, .rcptTo, .data, .commit].contains(phase)
        let rcptToAllowed = phase == .rcptTo
        let token = peek()
        switch token.kind {
        case .keyword(.fcrdns):
            accept()
            return .fcrdns
        case .keyword(.rdns):
            accept()
            if peek().kind == .keyword(.regex) {
                accept()
                return .rdnsTable(try parseTables().ref, regex: true)
            }
            if startsTableArgument(peek()) { return .rdnsTable(try parseTables().ref, regex: false) }
            return .rdns
        case .keyword(.src):
            accept()
            let regex = acceptRegex()
            return .src(try parseTables().ref, regex: regex)
        case .keyword(.helo) where heloAllowed:
            accept()
            let regex = acceptRegex()
            return .helo(try parseTables().ref, regex: regex)
        case .keyword(.auth) where authAllowed:
            accept()
            if peek().kind == .keyword(.regex) {
                accept()
                return .authTable(try parseTables().ref, regex: true)
            }
            if startsTableArgument(peek()) { return .authTable(try parseTables().ref, regex: false) }
            return .auth
        case .keyword(.mailFrom) where mailFromAllowed:
            accept()
            let regex = acceptRegex()
            return .mailFrom(try parseTables().ref, regex: regex)
        case .keyword(.rcptTo) where rcptToAllowed:
            accept()
            let regex = acceptRegex()
            return .rcptTo(try parseTables().ref, regex: regex)
        default:
            throw .syntax(expected: "a condition valid in the \(phase.rawValue) phase", hint: nil)
        }
    }

    private mutating func acceptRegex() -> Bool {
        guard peek().kind == .keyword(.regex) else { return false }
        accept()
        return true
    }

    private mutating func parseFilterDecision(phase: BuiltinFilter.Phase) throws(ParseInterruption)
        -> BuiltinFilter.Decision
    {
        let token = peek()
        switch token.kind {
        case .keyword(.reject):
            accept()
            return .reject(try expectString("a reply such as \"550 go away\""))
        case .keyword(.disconnect):
            accept()
            return .disconnect(try expectString("a reply such as \"421 go away\""))
        case .keyword(.rewrite):
            accept()
            return .rewrite(try expectString("a value"))
        case .keyword(.report):
            accept()
            return .report(try expectString("a value"))
        case .keyword(.junk) where phase != .commit:
            accept()
            return .junk
        case .keyword(.bypass) where phase != .commit:
            accept()
            return .bypass
        default:
            throw .syntax(expected: "reject, disconnect, rewrite, report, junk or bypass",
                          hint: phase == .commit ? "junk and bypass are not allowed in the commit phase" : nil)
        }
    }
}
