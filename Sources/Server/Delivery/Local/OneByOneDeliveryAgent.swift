/// An agent for local deliveries, which go one envelope at a time: each has its own user, file or command.
protocol OneByOneDeliveryAgent: DeliveryAgent {
    func deliver(_ delivery: LocalDelivery, body: MessageBody) async -> DeliveryOutcome
}

extension OneByOneDeliveryAgent {
    /// Delivers the envelopes concurrently (they are independent; the locks of a shared mailbox order them) and
    /// returns the outcomes in the envelopes' order.
    public func deliver(_ envelopes: [QueuedEnvelope], body: MessageBody) async -> [DeliveryOutcome] {
        // The common case, without a task of its own.
        if envelopes.count == 1, let delivery = LocalDelivery(envelopes[0]) {
            return [await deliver(delivery, body: body)]
        }
        return await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            for (index, envelope) in envelopes.enumerated() {
                guard let delivery = LocalDelivery(envelope) else {
                    group.addTask { (index, .permanentFailure("not a local delivery: method \(envelope.method)")) }
                    continue
                }
                group.addTask { (index, await deliver(delivery, body: body)) }
            }
            var outcomes = [DeliveryOutcome?](repeating: nil, count: envelopes.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
    }
}
