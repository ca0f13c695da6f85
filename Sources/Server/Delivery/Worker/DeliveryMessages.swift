/// A delivery for a worker: the envelope's fields and the queued body, whose descriptor travels with the record.
/// The daemon sends it to the supervisor, which passes it on unchanged to the worker for the user.
struct DeliveryRequest: Hashable {
    /// Chosen by the daemon; the reply carries it back.
    var id: UInt64
    var delivery: LocalDelivery
    var messageID: MessageID
    var size: Int

    func record() -> WireRecord {
        var record = WireRecord([
            "id": String(id), "method": delivery.method.rawValue, "target": delivery.target,
            "junk": delivery.junk ? "yes" : "no", "user": delivery.user, "deliveryUser": delivery.deliveryUser,
            "sender": delivery.sender, "rcpt": delivery.rcpt, "dest": delivery.dest, "evpid": delivery.envelopeID,
            "msgid": String(messageID.rawValue), "size": String(size),
        ])
        record["home"] = delivery.home
        record["subaddress"] = delivery.subaddress
        return record
    }

    init(id: UInt64, delivery: LocalDelivery, messageID: MessageID, size: Int) {
        self.id = id
        self.delivery = delivery
        self.messageID = messageID
        self.size = size
    }

    init(_ record: WireRecord) throws(WireRecord.DecodingError) {
        guard let method = LocalDelivery.Method(rawValue: try record.required("method")) else {
            throw .badField("method")
        }
        guard let messageID = MessageID(rawValue: try record.number("msgid")) else { throw .badField("msgid") }
        id = try record.number("id")
        size = try record.number("size")
        self.messageID = messageID
        delivery = LocalDelivery(
            method: method, target: try record.required("target"), junk: try record.required("junk") == "yes",
            user: try record.required("user"), deliveryUser: try record.required("deliveryUser"),
            home: record["home"], subaddress: record["subaddress"], sender: try record.required("sender"),
            rcpt: try record.required("rcpt"), dest: try record.required("dest"),
            envelopeID: try record.required("evpid"))
    }
}

/// A worker's (or the supervisor's) answer to one `DeliveryRequest`.
struct DeliveryReply: Hashable {
    var id: UInt64
    var outcome: DeliveryOutcome

    init(id: UInt64, outcome: DeliveryOutcome) {
        self.id = id
        self.outcome = outcome
    }

    func record() -> WireRecord {
        let kind =
            switch outcome {
            case .delivered: "delivered"
            case .temporaryFailure: "temporary"
            case .permanentFailure: "permanent"
            }
        return WireRecord(["id": String(id), "outcome": kind, "text": outcome.text])
    }

    init(_ record: WireRecord) throws(WireRecord.DecodingError) {
        id = try record.number("id")
        let text = try record.required("text")
        switch try record.required("outcome") {
        case "delivered": outcome = .delivered(text)
        case "temporary": outcome = .temporaryFailure(text)
        case "permanent": outcome = .permanentFailure(text)
        default: throw .badField("outcome")
        }
    }
}
