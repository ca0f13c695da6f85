import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The delivery agent for each queued method. Local methods go to the privileged supervisor's workers when the
/// daemon started as root (each delivery runs as its user), or run in-process as the daemon's own user
/// otherwise (tests, the quick start). LMTP and relay are network clients and run in the daemon itself, with
/// the outbound options of the configuration in force at each delivery.
final class DeliveryAgents: Sendable {
    let local: any DeliveryAgent
    let relay: RelayAgent
    let lmtp: LMTPAgent
    private let supervised: SupervisedDeliveryAgent?

    /// The methods whose agents write their own `mta delivery` lines.
    static let selfLoggingMethods: Set<String> = ["relay", "lmtp"]

    /// Starts the supervisor when root: call before the privilege drop.
    /// - Parameter mxPort: the port MX hosts are reached on: 25 (tests move it).
    init(store: ConfigurationStore, mxPort: Int, logger: Logger) throws {
        if geteuid() == 0 {
            let supervised = try SupervisedDeliveryAgent.launch(logger: logger)
            self.supervised = supervised
            self.local = supervised
        } else {
            self.supervised = nil
            self.local = LocalDeliveryAgent()
        }
        let settings: @Sendable () -> OutboundSettings = { store.configuration.outbound }
        relay = RelayAgent(settings: settings, mxPort: mxPort, logger: logger)
        lmtp = LMTPAgent(settings: settings, logger: logger)
    }

    func agent(for method: String) -> (any DeliveryAgent)? {
        switch method {
        case "maildir", "mbox", "mda", "file", "pipe": local
        case "relay": relay
        case "lmtp": lmtp
        default: nil
        }
    }

    func shutdown() async {
        await relay.shutdown()
        await lmtp.shutdown()
        supervised?.shutdown()
    }
}
