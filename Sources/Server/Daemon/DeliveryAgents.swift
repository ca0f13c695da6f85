import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The delivery agent for each queued method. Local methods go to the privileged supervisor's workers when the
/// daemon started as root (each delivery runs as its user), or run in-process as the daemon's own user
/// otherwise (tests, the quick start). LMTP and relay are network clients and run in the daemon itself.
final class DeliveryAgents: Sendable {
    let local: any DeliveryAgent
    private let supervised: SupervisedDeliveryAgent?

    /// Starts the supervisor when root: call before the privilege drop.
    init(logger: Logger) throws {
        if geteuid() == 0 {
            let supervised = try SupervisedDeliveryAgent.launch(logger: logger)
            self.supervised = supervised
            self.local = supervised
        } else {
            self.supervised = nil
            self.local = LocalDeliveryAgent()
        }
    }

    func agent(for method: String) -> (any DeliveryAgent)? {
        switch method {
        case "maildir", "mbox", "mda", "file", "pipe": local
        default: nil
        }
    }

    func shutdown() {
        supervised?.shutdown()
    }
}
