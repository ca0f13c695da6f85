public import ConfParser
public import RuleEngine
public import Transport

/// What the relay and LMTP agents need from the configuration, taken once per loaded configuration. The
/// agents read it through a provider closure, so a reload swaps it for the next delivery while deliveries in
/// progress finish with the one they started with.
public struct OutboundSettings: Sendable {
    /// The server's name: EHLO's argument when the action has no `helo`, and the default `backup-mx` name.
    public var hostname: String
    public var actions: [String: OutboundAction]
    /// `srs key`, `srs key backup`, `srs ttl`: what the actions with `srs` rewrite forwarded senders with.
    public var srs: SRSCodec?

    public init(hostname: String, actions: [String: OutboundAction] = [:], srs: SRSCodec? = nil) {
        self.hostname = hostname
        self.actions = actions
        self.srs = srs
    }

    /// The outbound options of every `relay` and `lmtp` action.
    public init(config: Config, tables: TableSet, hostname: String) {
        self.hostname = hostname
        srs = SRSCodec(options: config.options)
        actions = [:]
        for action in config.actions {
            switch action.method {
            case .relay, .lmtp: actions[action.name] = OutboundAction(action: action, config: config, tables: tables)
            default: continue
            }
        }
    }
}

/// One action's outbound options (smtpd.conf(5) `relay` options, and `lmtp … rcpt-to`).
public struct OutboundAction: Sendable {
    /// `helo NAME`.
    public var helo: String?
    /// `helo-src <T>`: local address → EHLO name, for sessions sent from a `src` address.
    public var heloSourceTable: (any LookupTable)?
    /// `src <T>`: local addresses to send from, used in turn.
    public var sourceTable: (any LookupTable)?
    /// `auth <T>`: label → `user:password` for `label@host` smarthosts.
    public var authTable: (any LookupTable)?
    /// `tls` / `tls no-verify`.
    public var tls: Action.RelayTLS?
    /// `mail-from ADDRESS`: `user@domain` replaces the sender, `@domain` only its domain.
    public var mailFrom: String?
    /// `backup [mx NAME]`: only MXes preferred over NAME (by default the server's own name) are tried.
    public var backup: Bool
    public var backupMX: String?
    /// `ca NAME` resolved to its certificate file: the roots a verified TLS peer must chain to.
    public var caFile: String?
    /// `pki NAME`, as written.
    public var pki: String?
    /// `pki NAME` resolved to its files: the client certificate. Nil with ``pki`` set when no such pki has both a
    /// certificate and a key (OpenSMTPD 7.x refuses to start; Tern defers every delivery through the action).
    public var clientCertificate: TLSPKI?
    /// `ciphers`, else the global `smtp ciphers`.
    public var ciphers: String?
    /// `protocols` (libtls syntax).
    public var protocols: String?
    /// `lmtp … rcpt-to`: give the LMTP server the original recipient instead of the user name.
    public var lmtpRcptTo: Bool
    /// `srs`: the sender of forwarded mail is rewritten with `OutboundSettings.srs`.
    public var srs: Bool

    public init(helo: String? = nil, sourceTable: (any LookupTable)? = nil, authTable: (any LookupTable)? = nil,
        tls: Action.RelayTLS? = nil, mailFrom: String? = nil, backup: Bool = false, backupMX: String? = nil,
        caFile: String? = nil, lmtpRcptTo: Bool = false, srs: Bool = false, heloSourceTable: (any LookupTable)? = nil,
        pki: String? = nil, clientCertificate: TLSPKI? = nil, ciphers: String? = nil, protocols: String? = nil)
    {
        self.helo = helo
        self.heloSourceTable = heloSourceTable
        self.pki = pki ?? clientCertificate?.name
        self.clientCertificate = clientCertificate
        self.ciphers = ciphers
        self.protocols = protocols
        self.sourceTable = sourceTable
        self.authTable = authTable
        self.tls = tls
        self.mailFrom = mailFrom
        self.backup = backup
        self.backupMX = backupMX
        self.caFile = caFile
        self.lmtpRcptTo = lmtpRcptTo
        self.srs = srs
    }

    init(action: Action, config: Config, tables: TableSet) {
        var rcptTo = false
        if case .lmtp(_, let flag) = action.method { rcptTo = flag }
        self.init(
            helo: action.helo,
            sourceTable: action.source.map { tables.table(for: $0) },
            authTable: action.auth.map { tables.table(for: $0) },
            tls: action.tls, mailFrom: action.mailFrom, backup: action.backup, backupMX: action.backupMX,
            caFile: action.ca.flatMap { name in config.cas.first { $0.name == name }?.certFile },
            lmtpRcptTo: rcptTo, srs: action.srs,
            heloSourceTable: action.heloSource.map { tables.table(for: $0) },
            pki: action.pki,
            clientCertificate: action.pki.flatMap { name in
                guard let pki = config.pki(named: name), let cert = pki.certFile, let key = pki.keyFile else { return nil }
                return TLSPKI(name: pki.name, certificateFile: cert, keyFile: key)
            },
            ciphers: action.ciphers ?? config.options.smtpCiphers, protocols: action.protocols)
    }

    /// The TLS settings of a session through this action; `verify` comes from the route (``RelayPlan``).
    func tlsOptions(verify: Bool) -> TLSClientOptions {
        TLSClientOptions(verify: verify, caFile: caFile, certificate: clientCertificate, ciphers: ciphers,
            protocols: protocols)
    }
}
