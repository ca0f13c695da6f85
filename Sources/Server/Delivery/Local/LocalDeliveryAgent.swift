import Dispatch

/// The local delivery agent of a daemon that is not root (tests, the quick start): every delivery runs in this
/// process, as the daemon's own user, whatever user the envelope names (which must still exist). A root daemon
/// uses `SupervisedDeliveryAgent` instead, which runs each delivery as its user.
public struct LocalDeliveryAgent: DeliveryAgent {
    let deliverer: LocalDeliverer
    /// Deliveries block (fsync, locks, a command running); they run here, never on the cooperative pool.
    private let queue = DispatchQueue(label: "tern.local-delivery", attributes: .concurrent)

    public init() {
        self.init(deliverer: LocalDeliverer())
    }

    init(deliverer: LocalDeliverer) {
        self.deliverer = deliverer
    }

    public func deliver(_ envelopes: [QueuedEnvelope], body: MessageBody) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        for envelope in envelopes {
            guard let delivery = LocalDelivery(envelope) else {
                outcomes.append(.permanentFailure("not a local delivery: method \(envelope.method)"))
                continue
            }
            outcomes.append(await run(delivery, body: body))
        }
        return outcomes
    }

    private func run(_ delivery: LocalDelivery, body: MessageBody) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: deliverer.deliver(delivery, body: body)) }
        }
    }
}
