extension ConfigParser {
    /// `listen : LISTEN ON (socket_listener | if_listener)`
    mutating func parseListen() throws(ParseInterruption) {
        let start = accept().location
        try expect(.on)
        if peek().kind == .keyword(.socket) {
            try parseSocketListener(start: start)
        } else {
            let interface = try expectString("an interface, address or host name")
            var listener = Listener(interface: interface, location: start)
            try parseListenerOptions(&listener)
            try createListener(listener)
            config.listeners.append(listener)
        }
    }

    /// `socket_listener : SOCKET (FILTER STRING | FILTER '{' filter_list '}' | MASK_SRC | TAG STRING | NO_DSN)*`
    private mutating func parseSocketListener(start: SourceLocation) throws(ParseInterruption) {
        accept()
        var listener = SocketListener(location: start)
        loop: while true {
            switch peek().kind {
            case .keyword(.filter):
                listener.filter = try parseFilterReference(alreadySpecified: listener.filter != nil,
                                                           message: "filter already specified")
            case .keyword(.maskSrc):
                accept()
                guard !listener.maskSource else { throw reject("mask-source already specified") }
                listener.maskSource = true
            case .keyword(.tag):
                accept()
                guard listener.tag == nil else { throw reject("tag already specified") }
                listener.tag = try parseTagValue()
            case .keyword(.noDSN):
                // [7.5+] OpenSMTPD 6.8 rejects `no-dsn` on the socket.
                accept()
                guard !listener.noDSN else { throw reject("no-dsn already specified") }
                listener.noDSN = true
            default:
                break loop
            }
        }
        if state.socketListenerConfigured {
            throw reject("socket listener already configured", hint: "`listen on socket` may appear once")
        }
        state.socketListenerConfigured = true
        config.socketListener = listener
    }

    private mutating func parseTagValue() throws(ParseInterruption) -> String {
        let tag = try expectString("a tag")
        if tag.utf8.count >= 33 {
            throw reject("tag name too long", hint: "a tag has at most 32 characters")
        }
        return tag
    }

    /// `filter STRING` or `filter '{' filter_list '}'` (the `filter` keyword is the lookahead).
    mutating func parseFilterReference(alreadySpecified: Bool, message: String) throws(ParseInterruption)
        -> FilterRef
    {
        accept()
        if peek().kind == .punctuation(UInt8(ascii: "{")) {
            if alreadySpecified { throw reject(message) }
            accept()
            skipNewlines()
            let chainName = nextDynamicChainName()
            let members = try parseFilterList()
            state.filters[chainName] = .init(isChain: true, proc: nil)
            return .chain(members)
        }
        let name = try expectString("a filter name")
        if alreadySpecified { throw reject(message) }
        guard state.filters[name] != nil else {
            throw reject("no filter exist with that name: \(name)",
                         hint: suggestion(for: name, among: state.filters.keys.sorted(), what: "declare the filter above its use"))
        }
        return .named(name)
    }

    mutating func nextDynamicChainName() -> String {
        while true {
            let id = state.nextDynamicChainID
            state.nextDynamicChainID &+= 1
            let hex = String(id, radix: 16)
            let name = "<dynchain:" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex + ">"
            if state.filters[name] == nil { return name }
        }
    }

    /// `filter_list : filterel | filterel comma filter_list`, through the closing brace.
    mutating func parseFilterList() throws(ParseInterruption) -> [String] {
        var members: [String] = []
        while true {
            let name = try expectString("a filter name")
            guard let info = state.filters[name] else {
                throw reject("no filter exist with that name: \(name)",
                             hint: suggestion(for: name, among: state.filters.keys.sorted(), what: nil))
            }
            if info.isChain { throw reject("no filter chain allowed within a filter chain: \(name)") }
            if members.contains(name) { throw reject("no filter allowed twice within a filter chain: \(name)") }
            members.append(name)
            skipNewlines()
            switch peek().kind {
            case .punctuation(UInt8(ascii: "}")):
                accept()
                return members
            case .punctuation(UInt8(ascii: ",")):
                accept()
                skipNewlines()
            default:
                if !peekIsString(peek()) { throw .syntax(expected: "\",\" or \"}\"", hint: nil) }
            }
        }
    }

    /// `if_listen : opt_if_listen*`
    private mutating func parseListenerOptions(_ listener: inout Listener) throws(ParseInterruption) {
        var sawFamily = false, sawAuth = false, sawCA = false
        var sawHostnames = false, sawSenders = false, sawTag = false, sawHostname = false
        while true {
            switch peek().kind {
            case .keyword(.inet4), .keyword(.inet6):
                let family: Listener.Family = accept().kind == .keyword(.inet4) ? .inet4 : .inet6
                guard !sawFamily else { throw reject("address family already specified") }
                sawFamily = true
                listener.family = family
            case .keyword(.port):
                accept()
                listener.port = try parsePort(already: listener.port != nil)
            case .keyword(.filter):
                listener.filter = try parseFilterReference(alreadySpecified: listener.filter != nil,
                                                           message: "filter already specified")
            case .keyword(.smtps), .keyword(.tls), .keyword(.tlsRequire):
                let mode = accept().kind
                let verify = mode != .keyword(.tls) && acceptOptional(.verify)
                guard listener.tls == nil else { throw reject("TLS mode already specified") }
                switch mode {
                case .keyword(.smtps): listener.tls = .smtps(verify: verify)
                case .keyword(.tls): listener.tls = .starttls
                default: listener.tls = .starttlsRequire(verify: verify)
                }
            case .keyword(.pki):
                accept()
                let name = try expectString("a pki name")
                // OpenSMTPD 6.8 allows one pki per listener; 7.3 allows up to 32, chosen by SNI.
                guard listener.pkis.count < 32 else { throw reject("too many pki specified") }
                listener.pkis.append(name)
            case .keyword(.ca):
                accept()
                let name = try expectString("a ca name")
                guard !sawCA else { throw reject("ca already specified") }
                sawCA = true
                listener.ca = name
            case .keyword(.auth), .keyword(.authOptional):
                let optional = accept().kind == .keyword(.authOptional)
                var table: TableRef?
                if startsTableArgument(peek()) { table = try parseTables().ref }
                guard !sawAuth else { throw reject("auth already specified") }
                sawAuth = true
                listener.auth = optional ? .optional(table) : .required(table)
            case .keyword(.tag):
                accept()
                let tagText = try expectString("a tag")
                guard !sawTag else { throw reject("tag already specified") }
                sawTag = true
                if tagText.utf8.count >= 33 { throw reject("tag name too long", hint: "a tag has at most 32 characters") }
                listener.tag = tagText
            case .keyword(.hostname):
                accept()
                let name = try expectString("a host name")
                guard !sawHostname else { throw reject("hostname already specified") }
                sawHostname = true
                listener.hostname = name
            case .keyword(.hostnames):
                accept()
                let (ref, name) = try parseTables()
                guard !sawHostnames else { throw reject("hostnames already specified") }
                sawHostnames = true
                guard registry.check(name, kinds: [.dynamic, .hash], services: .addrname) else {
                    throw reject("invalid use of table \"\(name)\" as HOSTNAMES parameter",
                                 hint: "hostnames needs a mapping table: ADDRESS name")
                }
                listener.hostnames = ref
            case .keyword(.maskSrc):
                accept()
                guard !listener.maskSource else { throw reject("mask-source already specified") }
                listener.maskSource = true
            case .keyword(.receivedAuth):
                accept()
                guard !listener.receivedAuth else { throw reject("received-auth already specified") }
                listener.receivedAuth = true
            case .keyword(.noDSN):
                accept()
                guard !listener.noDSN else { throw reject("no-dsn already specified") }
                listener.noDSN = true
            case .keyword(.proxyV2):
                accept()
                guard !listener.proxyV2 else { throw reject("proxy-v2 already specified") }
                listener.proxyV2 = true
            case .keyword(.senders):
                accept()
                let (ref, name) = try parseTables()
                var masquerade = false
                if peek().kind == .keyword(.masquerade) {
                    accept()
                    masquerade = true
                }
                guard !sawSenders else { throw reject("senders already specified") }
                sawSenders = true
                guard registry.check(name, kinds: [.dynamic, .hash], services: .mailaddrmap) else {
                    throw reject("invalid use of table \"\(name)\" as SENDERS parameter",
                                 hint: "senders needs a mapping table: user address, @domain, …")
                }
                listener.senders = ref
                listener.masquerade = masquerade
            case .keyword(.ciphers):
                accept()
                let value = try expectString("a cipher list")
                guard listener.ciphers == nil else { throw reject("ciphers already specified") }
                listener.ciphers = value
            case .keyword(.protocols):
                accept()
                let value = try expectString("a protocol list")
                guard listener.protocols == nil else { throw reject("protocols already specified") }
                listener.protocols = value
            default:
                suggestionCandidates = [
                    "inet4", "inet6", "port", "filter", "smtps", "tls", "tls-require", "pki", "ca", "auth",
                    "auth-optional", "tag", "hostname", "hostnames", "mask-src", "received-auth", "no-dsn", "proxy-v2",
                    "senders", "ciphers", "protocols",
                ]
                return
            }
        }
    }

    /// `PORT STRING | PORT SMTP | PORT SMTPS | PORT NUMBER`
    private mutating func parsePort(already: Bool) throws(ParseInterruption) -> Listener.Port {
        let token = peek()
        let service: String
        switch token.kind {
        case .number(let n):
            accept()
            guard !already else { throw reject("port already specified") }
            guard n > 0 && n <= 65535 else { throw reject("invalid port: \(n)", hint: "a port is 1 to 65535") }
            return .number(Int(n))
        case .keyword(.smtp):
            accept()
            service = "smtp"
        case .keyword(.smtps):
            accept()
            service = "smtps"
        default:
            service = try expectString("a port number or service name")
        }
        guard !already else { throw reject("port already specified") }
        guard let port = environment.servicePort(service) else {
            throw reject("invalid port: \(service)", hint: "not a number and not a service in /etc/services")
        }
        return .service(service, resolved: port)
    }

    /// OpenSMTPD's `create_if_listener` and `config_listener` checks, which end smtpd at once.
    private mutating func createListener(_ listener: Listener) throws(ParseInterruption) {
        if listener.auth != nil && listener.tls == nil {
            throw fatal("invalid listen option: auth requires tls/smtps",
                        hint: "AUTH is offered only on encrypted sessions: add tls, tls-require or smtps")
        }
        if !listener.pkis.isEmpty && listener.tls == nil {
            throw fatal("invalid listen option: pki requires tls/smtps", hint: "add tls, tls-require or smtps")
        }
        guard resolveListenerAddress(listener.interface, family: listener.family) else {
            throw fatal("invalid virtual ip or interface: \(listener.interface)",
                        hint: "not an interface of this machine, an IP address, or a resolvable host name")
        }
        for pki in listener.pkis where config.pki(named: pki) == nil {
            throw fatal("pki name not found: \(pki)", hint: "declare `pki \(pki) cert … key …` above the listener",
                        style: .trailingName)
        }
        if let ca = listener.ca, !config.cas.contains(where: { $0.name == ca.lowercased() }) {
            throw fatal("ca name not found: \(ca)", hint: "declare `ca \(ca) cert …` above the listener",
                        style: .trailingName)
        }
    }

    /// Whether `listen on NAME` gives at least one address. Unlike OpenSMTPD on Linux, `all` (every address) and
    /// `egress` (the interfaces of the default route) work, as on OpenBSD, and OpenBSD's `lo0` means `lo`.
    private mutating func resolveListenerAddress(_ name: String, family: Listener.Family?) -> Bool {
        if name == "all" || name == "egress" { return true }
        if let addresses = environment.interfaceAddresses(name), !addresses.isEmpty { return true }
        if family != .inet6, IPAddress.isIPv4(name) { return true }
        if family != .inet4, IPAddress.isIPv6(name) { return true }
        if let addresses = environment.resolveHost(name), !addresses.isEmpty { return true }
        if name == "lo0" {
            warn("lo0 is OpenBSD's loopback interface; on Linux Tern listens on lo instead")
            return true
        }
        return false
    }
}
