extension ConfigParser {
    /// `dispatcher : ACTION STRING dispatcher_type dispatcher_options`
    mutating func parseAction() throws(ParseInterruption) {
        let start = accept().location
        let name = try expectString("an action name")
        if state.dispatchers.contains(name) {
            throw reject("dispatcher already declared with that name: \(name)", hint: "action names must be unique")
        }
        var action = Action(name: name, method: .mbox, location: start)
        try parseActionMethod(&action)
        if action.method.isLocal {
            try parseLocalOptions(&action)
        } else {
            try parseRelayOptions(&action)
        }
        while peek().kind == .keyword(.ttl) {
            accept()
            let text = try expectString("a delay such as 4d")
            if action.ttl != nil { throw reject("ttl already specified for this dispatcher") }
            guard let delay = Delay(parsing: text) else {
                throw reject("ttl delay \"\(Delay.openSMTPDEcho(text))\" is invalid", hint: delayHint)
            }
            action.ttl = delay
        }
        state.dispatchers.insert(name)
        config.actions.append(action)
    }

    /// The delivery method, `dispatcher_local` or `dispatcher_remote` up to its options.
    private mutating func parseActionMethod(_ action: inout Action) throws(ParseInterruption) {
        let token = peek()
        switch token.kind {
        case .keyword(.mbox):
            accept()
            action.method = .mbox
        case .keyword(.maildir):
            accept()
            var path: String?
            if peekIsString(peek()) { path = try expectString("a maildir path") }
            var junk = false
            if peek().kind == .keyword(.junk) {
                accept()
                junk = true
            }
            action.method = .maildir(path: path, junk: junk)
        case .keyword(.lmtp):
            accept()
            let destination = try expectString("an LMTP destination (host:port or socket path)")
            var rcptTo = false
            if peek().kind == .keyword(.rcptTo) {
                accept()
                rcptTo = true
            }
            action.method = .lmtp(destination: destination, rcptTo: rcptTo)
        case .keyword(.mda):
            accept()
            action.method = .mda(command: try expectString("a command"))
        case .keyword(.forwardOnly):
            accept()
            action.method = .forwardOnly
        case .keyword(.expandOnly):
            accept()
            action.method = .expandOnly
        case .keyword(.relay):
            accept()
            action.method = .relay
        default:
            throw .syntax(expected: "mbox, maildir, lmtp, mda, forward-only, expand-only or relay",
                          hint: unquotedHint(for: token))
        }
    }

    /// `dispatcher_local_options : (USER STRING | ALIAS tables | VIRTUAL tables | USERBASE tables | WRAPPER STRING)*`
    private mutating func parseLocalOptions(_ action: inout Action) throws(ParseInterruption) {
        while true {
            switch peek().kind {
            case .keyword(.user):
                accept()
                let user = try expectString("a user name")
                switch action.method {
                case .mbox: throw reject("user may not be specified for this dispatcher",
                                         hint: "mbox always delivers as the recipient")
                case .forwardOnly: throw reject("user may not be specified for forward-only")
                case .expandOnly: throw reject("user may not be specified for expand-only")
                default: break
                }
                if action.user != nil { throw reject("user already specified for this dispatcher") }
                action.user = user
            case .keyword(.alias):
                accept()
                let (ref, name) = try parseTables()
                if action.alias != nil { throw reject("alias mapping already specified for this dispatcher") }
                if action.virtual != nil {
                    throw reject("virtual mapping already specified for this dispatcher",
                                 hint: "an action takes alias or virtual, not both")
                }
                try requireTable(name, kinds: [.dynamic, .hash], services: .alias,
                                 message: "table \"\(name)\" may not be used for alias lookups")
                action.alias = ref
            case .keyword(.virtual):
                accept()
                let (ref, name) = try parseTables()
                if action.virtual != nil { throw reject("virtual mapping already specified for this dispatcher") }
                if action.alias != nil {
                    throw reject("alias mapping already specified for this dispatcher",
                                 hint: "an action takes alias or virtual, not both")
                }
                try requireTable(name, kinds: [.dynamic, .hash], services: .alias,
                                 message: "table \"\(name)\" may not be used for virtual lookups")
                action.virtual = ref
            case .keyword(.userbase):
                accept()
                let (ref, name) = try parseTables()
                if action.userbase != nil { throw reject("userbase mapping already specified for this dispatcher") }
                try requireTable(name, kinds: [.dynamic, .hash], services: .userinfo,
                                 message: "table \"\(name)\" may not be used for userbase lookups")
                action.userbase = ref
            case .keyword(.wrapper):
                accept()
                let wrapper = try expectString("an mda wrapper name")
                guard state.mdaWrappers.contains(wrapper) else {
                    throw reject("no mda wrapper with that name: \(wrapper)",
                                 hint: suggestion(for: wrapper, among: state.mdaWrappers.sorted(),
                                                  what: "declare `mda wrapper \(wrapper) \"command\"` above the action"))
                }
                action.wrapper = wrapper
            default:
                suggestionCandidates = ["user", "alias", "virtual", "userbase", "wrapper", "ttl"]
                return
            }
        }
    }

    /// `dispatcher_remote_options : dispatcher_remote_option*`
    private mutating func parseRelayOptions(_ action: inout Action) throws(ParseInterruption) {
        while true {
            switch peek().kind {
            case .keyword(.helo):
                accept()
                let helo = try expectString("a host name")
                if action.helo != nil { throw reject("helo already specified for this dispatcher") }
                action.helo = helo
            case .keyword(.heloSrc):
                accept()
                let (ref, name) = try parseTables()
                if action.heloSource != nil {
                    throw reject("helo-source mapping already specified for this dispatcher")
                }
                try requireTable(name, kinds: [.dynamic, .hash], services: .addrname,
                                 message: "table \"\(name)\" may not be used for helo-source lookups")
                action.heloSource = ref
            case .keyword(.pki):
                accept()
                let pki = try expectString("a pki name")
                if action.pki != nil { throw reject("pki already specified for this dispatcher") }
                action.pki = pki
            case .keyword(.ca):
                accept()
                let ca = try expectString("a ca name")
                if action.ca != nil { throw reject("ca already specified for this dispatcher") }
                action.ca = ca
            case .keyword(.ciphers):
                accept()
                let value = try expectString("a cipher list")
                if action.ciphers != nil { throw reject("ciphers already specified for this dispatcher") }
                action.ciphers = value
            case .keyword(.protocols):
                accept()
                let value = try expectString("a protocol list")
                if action.protocols != nil { throw reject("protocols already specified for this dispatcher") }
                action.protocols = value
            case .keyword(.src):
                accept()
                let (ref, name) = try parseTables()
                if action.source != nil { throw reject("source mapping already specified for this dispatcher") }
                // 6.8 wants a list; 7.x also takes a mapping.
                try requireTable(name, kinds: [.dynamic, .list, .hash], services: .source,
                                 message: "table \"\(name)\" may not be used for source lookups")
                action.source = ref
            case .keyword(.mailFrom):
                accept()
                let sender = try expectString("an address")
                if action.mailFrom != nil { throw reject("mail-from already specified for this dispatcher") }
                action.mailFrom = sender
            case .keyword(.backup):
                accept()
                var mx: String?
                if peek().kind == .keyword(.mx) {
                    accept()
                    mx = try expectString("the MX name")
                }
                if action.backup { throw reject("backup already specified for this dispatcher") }
                if action.host != nil || action.domain != nil {
                    throw reject("backup and host are mutually exclusive")
                }
                action.backup = true
                action.backupMX = mx
            case .keyword(.host):
                accept()
                let (ref, name) = try parseTables()
                if action.host != nil || action.domain != nil {
                    throw reject("host mapping already specified for this dispatcher")
                }
                if action.backup { throw reject("backup and host are mutually exclusive") }
                try requireTable(name, kinds: [.dynamic, .list], services: .relayhost,
                                 message: "table \"\(name)\" may not be used for host lookups")
                action.host = ref
            case .keyword(.domain):
                accept()
                let (ref, name) = try parseTables()
                if action.host != nil || action.domain != nil {
                    throw reject("host mapping already specified for this dispatcher")
                }
                if action.backup { throw reject("backup and domain are mutually exclusive") }
                try requireTable(name, kinds: [.dynamic, .hash], services: .relayhost,
                                 message: "table \"\(name)\" may not be used for host lookups")
                action.domain = ref
            case .keyword(.tls):
                accept()
                var noVerify = false
                if peek().kind == .keyword(.noVerify) {
                    accept()
                    noVerify = true
                }
                if action.tls != nil { throw reject("tls already specified for this dispatcher") }
                action.tls = noVerify ? .requiredNoVerify : .required
            case .keyword(.auth):
                accept()
                let (ref, name) = try parseTables()
                if action.host == nil && action.domain == nil {
                    throw reject("auth may not be specified without host on a dispatcher",
                                 hint: "write `host` before `auth`: relay host smtp+tls://label@server auth <secrets>")
                }
                if action.auth != nil { throw reject("auth mapping already specified for this dispatcher") }
                try requireTable(name, kinds: [.dynamic, .hash], services: .credentials,
                                 message: "table \"\(name)\" may not be used for auth lookups")
                action.auth = ref
            case .keyword(.filter):
                action.filter = try parseFilterReference(alreadySpecified: action.filter != nil,
                                                         message: "filter already specified for this dispatcher")
            case .keyword(.srs):
                accept()
                guard state.srsKeyDefined else {
                    throw reject("an srs key is required for srs to be specified in an action",
                                 hint: "add `srs key \"SECRET\"` above this action")
                }
                if action.srs { throw reject("srs already specified for this dispatcher") }
                action.srs = true
            default:
                suggestionCandidates = ["helo", "helo-src", "pki", "ca", "ciphers", "protocols", "src", "mail-from",
                                        "backup", "host", "domain", "tls", "auth", "filter", "srs", "ttl"]
                return
            }
        }
    }
}

extension Delay {
    /// The text OpenSMTPD prints for a delay it refused: `delaytonum` has already cut off a valid unit letter.
    static func openSMTPDEcho(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, let last = bytes.last,
            [UInt8(ascii: "s"), UInt8(ascii: "m"), UInt8(ascii: "h"), UInt8(ascii: "d")].contains(last)
        else { return text }
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }
}
