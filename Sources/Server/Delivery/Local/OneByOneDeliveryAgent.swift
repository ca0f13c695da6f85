/// An agent for local deliveries, which go one envelope at a time: each has its own user, file or command.
protocol OneByOneDeliveryAgent: DeliveryAgent {
    func deliver(_ delivery: LocalDelivery, body: MessageBody) async -> DeliveryOutcome
}

extension OneByOneDeliveryAgent {
    public func deliver(_ envelopes: [QueuedEnvelope], body: MessageBody) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        for envelope in envelopes {
            guard let delivery = LocalDelivery(envelope) else {
                outcomes.append(.permanentFailure("not a local delivery: method \(envelope.method)"))
                continue
            }
            outcomes.append(await deliver(delivery, body: body))
        }
        return outcomes
    }
}
