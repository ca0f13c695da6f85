import ConfParser
import RuleEngine
import Transport

/// Where and how one relayed message goes: the hosts in the order to try, their port, and the session's
/// protocol, TLS and credentials. Built from the route and the action's options before connecting.
struct RelayPlan: Sendable {
    var hosts: [String]
    var port: Int
    var configuration: SMTPClientConfiguration
    var verify: Bool
    /// What the per-domain limit counts: the recipient domain, or the smarthost.
    var limitKey: String

    /// - Returns: the plan, or the outcome every envelope gets when there is none (bad URL, missing
    ///   credentials, DNS failure, null MX).
    static func make(route: RelayRouteTarget, action: OutboundAction, hostname: String, resolver: DNSResolver,
        mxPort: Int) async -> Result<RelayPlan, PlanFailure>
    {
        let helo = action.helo ?? hostname
        switch route {
        case .mx(let domain):
            let mxes: [MXHost]
            do {
                mxes = try await resolver.mxHosts(for: domain)
            } catch {
                let text = error.relayText
                return .failure(PlanFailure(error.isPermanent ? .permanentFailure(text) : .temporaryFailure(text)))
            }
            var usable = mxes
            if action.backup {
                // Only MXes preferred over ours; when ours is not listed, every MX is fair (OpenSMTPD warns).
                let ours = (action.backupMX ?? hostname).lowercased()
                if let own = mxes.first(where: { $0.name.lowercased() == ours }) {
                    usable = mxes.filter { $0.preference < own.preference }
                }
                guard !usable.isEmpty else { return .failure(PlanFailure(.temporaryFailure("No MX found for destination"))) }
            }
            let tls: SMTPClientConfiguration.TLSPolicy = action.tls == nil ? .opportunistic : .required
            return .success(RelayPlan(
                hosts: usable.map(\.name), port: mxPort,
                configuration: SMTPClientConfiguration(heloName: helo, tls: tls),
                verify: action.tls == .required, limitKey: domain.lowercased()))
        case .url(let url):
            guard let relay = TableValue.RelayHost(url: url) else {
                return .failure(PlanFailure(.temporaryFailure("Cannot parse smarthost")))
            }
            var tls: SMTPClientConfiguration.TLSPolicy
            switch relay.tls {
            case .opportunistic: tls = .opportunistic
            case .startTLS: tls = .required
            case .none: tls = .never
            case .smtps: tls = .implicit
            }
            if action.tls != nil {
                guard tls != .never else { return .failure(PlanFailure(.temporaryFailure("TLS required for relaying"))) }
                if tls == .opportunistic { tls = .required }
            }
            var credentials: SMTPClientCredentials?
            if let label = relay.authLabel {
                guard let table = action.authTable else {
                    return .failure(PlanFailure(.temporaryFailure("No auth table for relaying")))
                }
                guard let found = try? table.credentials(for: label) else {
                    return .failure(PlanFailure(.temporaryFailure("Could not retrieve credentials")))
                }
                credentials = SMTPClientCredentials(username: found.username, password: found.password)
            }
            let configuration = SMTPClientConfiguration(
                protocolKind: relay.isLMTP ? .lmtp : .smtp, heloName: helo, tls: tls, credentials: credentials)
            return .success(RelayPlan(
                hosts: [relay.hostname], port: Int(relay.port), configuration: configuration,
                verify: (tls == .required || tls == .implicit) && action.tls != .requiredNoVerify,
                limitKey: relay.hostname.lowercased()))
        }
    }
}

/// The outcome all envelopes get when a message cannot even be routed.
struct PlanFailure: Error {
    var outcome: DeliveryOutcome
    init(_ outcome: DeliveryOutcome) { self.outcome = outcome }
}
