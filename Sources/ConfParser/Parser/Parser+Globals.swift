extension ConfigParser {
    /// `include : INCLUDE STRING`
    mutating func parseInclude() throws(ParseInterruption) {
        accept()
        let path = try expectString("a file name to include")
        switch lexer.pushInclude(path) {
        case .success:
            break
        case .failure(let error):
            absorbLexerDiagnostics()
            if error.message.hasPrefix("include loop") || error.message.hasPrefix("includes nested") {
                throw reject("failed to include file \(path)", hint: error.message)
            }
            diagnostics.append(Diagnostic(.note, "pushfile: \(path): \(error.message)"))
            throw reject("failed to include file \(path)", hint: "a relative path is relative to the directory smtpd runs in")
        }
    }

    /// `varset : STRING '=' STRING`
    mutating func parseMacroDefinition() throws(ParseInterruption) {
        let nameToken = peek()
        let name = try expectString("a statement")
        guard peek().kind == .punctuation(UInt8(ascii: "=")) else {
            throw .syntax(expected: "a statement", hint: statementHint(for: nameToken))
        }
        accept()
        let value: String
        switch peek().kind {
        case .number(let n):
            throw .syntax(expected: "a quoted value", hint: "macro values are strings: write \(name) = \"\(n)\"")
        default:
            value = try expectString("a macro value")
        }
        // OpenSMTPD checks from the second character on, so a leading space slips through.
        if name.utf8.dropFirst().contains(where: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) {
            throw reject("macro name cannot contain whitespace")
        }
        lexer.define(name, value)
    }

    /// `bounce : BOUNCE WARN_INTERVAL bouncedelays` with `bouncedelays : bouncedelays ',' STRING | STRING`
    mutating func parseBounce() throws(ParseInterruption) {
        accept()
        try expect(.warnInterval)
        var delays: [Delay] = []
        while true {
            let text = try expectString("a delay such as 4h")
            guard let delay = Delay(parsing: text) else {
                throw reject("invalid bounce delay: \(Delay.openSMTPDEcho(text))", hint: delayHint)
            }
            delays.append(delay)
            guard peek().kind == .punctuation(UInt8(ascii: ",")) else { break }
            accept()
        }
        if delays.count > 4 {
            warn("only the first 4 bounce warn-interval values are used; \(delays.count - 4) ignored")
        }
        config.options.bounceWarnIntervals = delays
    }

    var delayHint: String { "a delay is a number followed by s, m, h or d, e.g. 30m or 4d" }

    /// `admd : ADMD STRING`
    mutating func parseAdmd() throws(ParseInterruption) {
        accept()
        let value = try expectString("an authserv-id")
        if value.utf8.contains(where: { $0 < 0x20 || $0 > 0x7E }) {
            throw reject("not a valid admd")
        }
        config.options.admd = value
    }

    /// `ca : CA STRING ca_params` with `ca_params : CERT STRING`
    mutating func parseCA() throws(ParseInterruption) {
        let start = accept().location
        let raw = try expectString("a CA name")
        let name = try validatedCertificateName(raw)
        if !config.cas.contains(where: { $0.name == name }) {
            config.cas.append(CADecl(name: name, location: start))
        }
        try expect(.cert)
        let file = try expectString("a certificate file")
        if let index = config.cas.firstIndex(where: { $0.name == name }) { config.cas[index].certFile = file }
    }

    /// `pki : PKI STRING pki_params` with `pki_params : (CERT STRING | KEY STRING | DHE STRING)*`
    mutating func parsePKI() throws(ParseInterruption) {
        let start = accept().location
        let raw = try expectString("a pki name (the host name of the certificate)")
        let name = try validatedCertificateName(raw)
        if !config.pkis.contains(where: { $0.name == name }) {
            config.pkis.append(PKIDecl(name: name, location: start))
        }
        let index = config.pkis.firstIndex { $0.name == name }!
        while true {
            switch peek().kind {
            case .keyword(.cert):
                accept()
                config.pkis[index].certFile = try expectString("a certificate file")
            case .keyword(.key):
                accept()
                config.pkis[index].keyFile = try expectString("a key file")
            case .keyword(.dhe):
                accept()
                let value = try expectString("none, auto or legacy")
                guard ["none", "auto", "legacy"].contains(value.lowercased()) else {
                    throw reject("invalid DHE keyword: \(value)", hint: "use none, auto or legacy")
                }
                config.pkis[index].dhe = value.lowercased()
            default:
                return
            }
        }
    }

    /// A pki or ca name: `*` or a host name (res_hnok), stored lowercase.
    private mutating func validatedCertificateName(_ raw: String) throws(ParseInterruption) -> String {
        if raw != "*" && !HostName.isValid(raw) {
            throw reject("not a valid domain name: \(raw)", hint: "pki and ca names are host names (or *)")
        }
        return raw.lowercased()
    }

    /// ```
    /// mda : MDA LIMIT (STRING NUMBER)*
    ///     | MDA WRAPPER STRING STRING
    /// ```
    mutating func parseMDA() throws(ParseInterruption) {
        let start = accept().location
        switch peek().kind {
        case .keyword(.limit):
            accept()
            config.options.mdaLimits += try parseLimits(
                keys: ["max-session", "max-session-per-user", "task-lowat", "task-hiwat", "task-release"],
                message: "invalid scheduler limit keyword")
        case .keyword(.wrapper):
            accept()
            let name = try expectString("a wrapper name")
            let command = try expectString("a wrapper command")
            if state.mdaWrappers.contains(name) {
                throw reject("mda wrapper already declared with that name: \(name)")
            }
            state.mdaWrappers.insert(name)
            config.mdaWrappers.append(Config.MDAWrapper(name: name, command: command, location: start))
        default:
            throw .syntax(expected: "\"limit\" or \"wrapper\"", hint: nil)
        }
    }

    /// `KEY NUMBER` pairs until the end of the statement; an unknown key rejects it.
    private mutating func parseLimits(keys: Set<String>, message: String) throws(ParseInterruption)
        -> [GlobalOptions.Limit]
    {
        var limits: [GlobalOptions.Limit] = []
        while peekIsString(peek()) {
            let key = try expectString("a limit name")
            let value = try expectNumber("a number")
            guard keys.contains(key) else {
                throw reject("\(message): \(key)", hint: suggestion(for: key, among: keys.sorted(), what: nil))
            }
            limits.append(.init(key: key, value: Int(value)))
        }
        return limits
    }

    mutating func expectNumber(_ what: String) throws(ParseInterruption) -> Int64 {
        guard case .number(let value) = peek().kind else {
            throw .syntax(expected: what, hint: nil)
        }
        accept()
        return value
    }

    /// ```
    /// mta : MTA MAX_DEFERRED NUMBER
    ///     | MTA LIMIT FOR DOMAIN STRING limits_mta
    ///     | MTA LIMIT limits_mta
    /// limits_mta : (INET4 | INET6 | STRING NUMBER)*
    /// ```
    mutating func parseMTA() throws(ParseInterruption) {
        accept()
        switch peek().kind {
        case .keyword(.maxDeferred):
            accept()
            config.options.mtaMaxDeferred = Int(try expectNumber("a number"))
        case .keyword(.limit):
            accept()
            var domain: String?
            if peek().kind == .keyword(.for) {
                accept()
                try expect(.domain)
                domain = try expectString("a domain")
            }
            var items: [GlobalOptions.MTALimits.Item] = []
            loop: while true {
                switch peek().kind {
                case .keyword(.inet4):
                    accept()
                    items.append(.inet4)
                case .keyword(.inet6):
                    accept()
                    items.append(.inet6)
                case _ where peekIsString(peek()):
                    let key = try expectString("a limit name")
                    let value = try expectNumber("a number")
                    guard MTALimitKeys.all.contains(key) else {
                        throw reject("invalid mta limit keyword: \(key)",
                                     hint: suggestion(for: key, among: MTALimitKeys.all.sorted(), what: nil))
                    }
                    items.append(.limit(.init(key: key, value: Int(value))))
                default:
                    break loop
                }
            }
            config.options.mtaLimits.append(.init(domain: domain, items: items))
        default:
            throw .syntax(expected: "\"max-deferred\" or \"limit\"", hint: nil)
        }
    }

    /// ```
    /// queue : QUEUE COMPRESSION | QUEUE ENCRYPTION [STRING] | QUEUE TTL STRING
    /// ```
    mutating func parseQueue() throws(ParseInterruption) {
        accept()
        switch peek().kind {
        case .keyword(.compression):
            accept()
            config.options.queueCompression = true
        case .keyword(.encryption):
            accept()
            if peekIsString(peek()) {
                let key = try expectString("a key")
                let lowered = key.lowercased()
                config.options.queueEncryption = (lowered == "stdin" || lowered == "-") ? .stdin : .key(key)
            } else {
                config.options.queueEncryption = .prompt
            }
        case .keyword(.ttl):
            accept()
            let text = try expectString("a delay such as 4d")
            guard let delay = Delay(parsing: text) else {
                throw reject("invalid ttl delay: \(Delay.openSMTPDEcho(text))", hint: delayHint)
            }
            config.options.queueTTL = delay
        default:
            throw .syntax(expected: "\"compression\", \"encryption\" or \"ttl\"", hint: nil)
        }
    }

    /// `scheduler : SCHEDULER LIMIT (STRING NUMBER)*`
    mutating func parseScheduler() throws(ParseInterruption) {
        accept()
        try expect(.limit)
        config.options.schedulerLimits += try parseLimits(
            keys: ["max-inflight", "max-evp-batch-size", "max-msg-batch-size", "max-schedule"],
            message: "invalid scheduler limit keyword")
    }

    /// ```
    /// smtp : SMTP LIMIT (STRING NUMBER)* | SMTP CIPHERS STRING | SMTP MAX_MESSAGE_SIZE size
    ///      | SMTP SUB_ADDR_DELIM STRING
    /// ```
    mutating func parseSMTP() throws(ParseInterruption) {
        accept()
        switch peek().kind {
        case .keyword(.limit):
            accept()
            for limit in try parseLimits(keys: ["max-rcpt", "max-mails"], message: "invalid session limit keyword") {
                if limit.key == "max-rcpt" { config.options.smtpMaxRcpt = limit.value }
                if limit.key == "max-mails" { config.options.smtpMaxMails = limit.value }
            }
        case .keyword(.ciphers):
            accept()
            config.options.smtpCiphers = try expectString("a cipher list")
        case .keyword(.maxMessageSize):
            accept()
            let token = peek()
            switch token.kind {
            case .number(let n):
                accept()
                guard n >= 0 else { throw reject("invalid size: \(n)") }
                config.options.smtpMaxMessageSize = Int(n)
                config.options.smtpMaxMessageSizeText = String(n)
            default:
                let text = try expectString("a size such as 35M")
                guard let bytes = ScaledSize.parse(text), bytes >= 0 else {
                    throw reject("invalid size: \(text)", hint: "a size is a number with an optional unit B, K, M, G, T, P or E, e.g. 35M")
                }
                config.options.smtpMaxMessageSize = Int(bytes)
                config.options.smtpMaxMessageSizeText = text
            }
        case .keyword(.subAddrDelim):
            accept()
            let text = try expectString("one character")
            let bytes = Array(text.utf8)
            guard bytes.count == 1 else { throw reject("subaddressing-delimiter must be one character") }
            let byte = bytes[0]
            guard byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "@") else {
                throw reject("sub-addr-delim uses invalid character")
            }
            config.options.subAddressDelimiter = text
        default:
            throw .syntax(expected: "\"limit\", \"ciphers\", \"max-message-size\" or \"sub-addr-delim\"", hint: nil)
        }
    }

    /// ```
    /// srs : SRS KEY STRING | SRS KEY BACKUP STRING | SRS TTL STRING
    /// ```
    mutating func parseSRS() throws(ParseInterruption) {
        accept()
        switch peek().kind {
        case .keyword(.key):
            accept()
            if peek().kind == .keyword(.backup) {
                accept()
                config.options.srsBackupKey = try expectString("an SRS key")
            } else {
                config.options.srsKey = try expectString("an SRS key")
                state.srsKeyDefined = true
            }
        case .keyword(.ttl):
            accept()
            let text = try expectString("a delay such as 30d")
            guard let delay = Delay(parsing: text) else {
                throw reject("ttl delay \"\(Delay.openSMTPDEcho(text))\" is invalid", hint: delayHint)
            }
            guard delay.seconds / 86400 > 0 else {
                // OpenSMTPD has already cut the unit letter off when it prints the value.
                throw reject("ttl delay \"\(text.dropLast())\" is too short", hint: "the SRS ttl is counted in whole days")
            }
            config.options.srsTTL = delay
        default:
            throw .syntax(expected: "\"key\" or \"ttl\"", hint: nil)
        }
    }
}

/// The keys `mta limit` accepts (OpenSMTPD's `limit_mta_set`).
enum MTALimitKeys {
    static let all: Set<String> = [
        "max-conn-per-host", "max-conn-per-route", "max-conn-per-source", "max-conn-per-connector",
        "max-conn-per-relay", "max-conn-per-domain", "conn-delay-host", "conn-delay-route", "conn-delay-source",
        "conn-delay-connector", "conn-delay-relay", "conn-delay-domain", "reconn-delay-route", "session-mail-max",
        "session-transaction-delay", "session-keepalive", "max-failures-per-session", "task-hiwat", "task-lowat",
        "task-release",
    ]
}
