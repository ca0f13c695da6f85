import Logging

/// The delivery agent for each queued method.
struct DeliveryAgents: Sendable {
    let logger: Logger

    func agent(for method: String) -> (any DeliveryAgent)? {
        nil
    }
}
