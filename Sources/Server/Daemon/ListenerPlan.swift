public import ConfParser
public import RuleEngine
public import Transport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One socket to bind for a `listen on` line: `listen on all` or an interface name gives one per address, as
/// OpenSMTPD expands them while parsing.
public struct ListenerEndpoint: Sendable {
    public var address: String
    public var port: Int
    public var listener: Listener
    public var session: SMTPSessionConfiguration
    /// The pki, ca and verify settings, when the listener has `tls`, `tls-require` or `smtps`.
    public var tls: TLSListenerOptions?

    /// `127.0.0.1:25` or `[::1]:25`, for messages.
    public var displayName: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}

/// Turns the `listen on` lines of a configuration into the sockets to bind and the session settings of each.
public enum ListenerPlan {
    public struct PlanError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter portOverride: maps a configured port to the one to bind (tests move 25 and 587 to high ports
    ///   this way without editing the seed's file); nil keeps them.
    public static func endpoints(for configuration: RunningConfiguration,
        environment: any ParserEnvironment = SystemParserEnvironment(),
        interfaces: @Sendable () -> [NetworkInterface] = NetworkInterface.all,
        idleTimeout: Int = ReceiveLimits().idleTimeout) throws(PlanError) -> [ListenerEndpoint]
    {
        let config = configuration.config
        var endpoints: [ListenerEndpoint] = []
        for listener in config.listeners {
            let addresses = try addresses(of: listener, environment: environment, interfaces: interfaces)
            let session = sessionConfiguration(listener, configuration: configuration, idleTimeout: idleTimeout)
            let tls = try tlsOptions(listener, config: config)
            for address in addresses {
                endpoints.append(ListenerEndpoint(address: address, port: listener.effectivePort, listener: listener,
                    session: session, tls: tls))
            }
        }
        return endpoints
    }

    /// The addresses `listen on NAME` stands for, filtered by `family`.
    static func addresses(of listener: Listener, environment: any ParserEnvironment,
        interfaces: () -> [NetworkInterface]) throws(PlanError) -> [String]
    {
        let name = listener.interface
        var found: [String]
        switch name {
        case "all":
            found = interfaces().map(\.address)
        case "egress":
            let routed = NetworkInterface.defaultRouteInterfaces()
            found = interfaces().filter { routed.contains($0.name) }.map(\.address)
        default:
            if let literal = SessionFacts.clientAddressText(forIP: name) {
                found = [literal.hasPrefix("[") ? String(literal.dropFirst().dropLast()) : literal]
            } else if let addresses = environment.interfaceAddresses(name == "lo0" ? "lo" : name) {
                found = addresses
            } else if let addresses = environment.resolveHost(name) {
                found = addresses
            } else {
                throw PlanError(description: "invalid virtual ip or interface: \(name)")
            }
        }
        switch listener.family {
        case .inet4?: found = found.filter { !$0.contains(":") }
        case .inet6?: found = found.filter { $0.contains(":") }
        case nil: break
        }
        var unique: [String] = []
        for address in found where !unique.contains(address) { unique.append(address) }
        if unique.isEmpty { throw PlanError(description: "listen on \(name): no address to listen on") }
        return unique
    }

    /// The session settings of one listener, with the global `smtp` limits.
    public static func sessionConfiguration(_ listener: Listener, configuration: RunningConfiguration,
        idleTimeout: Int = ReceiveLimits().idleTimeout) -> SMTPSessionConfiguration
    {
        let options = configuration.config.options
        var session = SMTPSessionConfiguration(serverName: listener.hostname ?? configuration.localHost.serverName)
        session.maximumMessageSize = options.smtpMaxMessageSize ?? GlobalOptions.Defaults.maxMessageSize
        session.maximumRecipients = options.smtpMaxRcpt ?? GlobalOptions.Defaults.maxRcpt
        session.maximumMessagesPerSession = options.smtpMaxMails ?? GlobalOptions.Defaults.maxMails
        switch listener.tls {
        case .starttls?: session.startTLS = .offered
        case .starttlsRequire?: session.startTLS = .required
        case .smtps?: session.implicitTLS = true
        case nil: break
        }
        switch listener.auth {
        case .required?: session.authentication = .required
        case .optional?: session.authentication = .optional
        case nil: break
        }
        session.dsn = !listener.noDSN
        session.receivedAuth = listener.receivedAuth
        session.masqueradesFrom = listener.senders != nil && listener.masquerade
        session.expectsProxyHeader = listener.proxyV2
        session.idleTimeout = .seconds(idleTimeout)
        session.maskSource = listener.maskSource
        // OpenSMTPD completes Date and Message-ID on the submission port; Tern also on any authenticated session.
        session.addsMissingHeaders = listener.effectivePort == 587 || listener.auth != nil
        return session
    }

    static func tlsOptions(_ listener: Listener, config: Config) throws(PlanError) -> TLSListenerOptions? {
        let verify: Bool
        switch listener.tls {
        case nil: return nil
        case .starttls?: verify = false
        case .starttlsRequire(let v)?, .smtps(let v)?: verify = v
        }
        var pkiNames = listener.pkis
        if pkiNames.isEmpty { pkiNames = [listener.hostname ?? listener.interface] }
        var pkis: [TLSPKI] = []
        for name in pkiNames {
            guard let pki = config.pki(named: name), let cert = pki.certFile, let key = pki.keyFile else {
                throw PlanError(description: "listen on \(listener.interface): no pki \(name) with a certificate and key")
            }
            pkis.append(TLSPKI(name: pki.name, certificateFile: cert, keyFile: key))
        }
        let caFile = listener.ca.flatMap { name in config.cas.first { $0.name == name }?.certFile }
        return TLSListenerOptions(pkis: pkis, caFile: caFile, verify: verify, ciphers: listener.ciphers ?? config.options.smtpCiphers,
            protocols: listener.protocols)
    }
}
