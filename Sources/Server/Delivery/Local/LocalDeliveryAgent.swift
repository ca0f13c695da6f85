import Dispatch

/// The local delivery agent of a daemon that is not root (tests, the quick start): every delivery runs in this
/// process, as the daemon's own user, whatever user the envelope names (which must still exist). A root daemon
/// uses `SupervisedDeliveryAgent` instead, which runs each delivery as its user.
public struct LocalDeliveryAgent: DeliveryAgent, OneByOneDeliveryAgent {
    let deliverer: LocalDeliverer
    /// Deliveries block (fsync, locks, a command running); they run here, never on the cooperative pool.
    private let queue = DispatchQueue(label: "tern.local-delivery", attributes: .concurrent)

    public init() {
        self.init(deliverer: LocalDeliverer())
    }

    init(deliverer: LocalDeliverer) {
        self.deliverer = deliverer
    }

    func deliver(_ delivery: LocalDelivery, body: MessageBody) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: deliverer.deliver(delivery, body: body)) }
        }
    }
}
