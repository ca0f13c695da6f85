/// The scheduler's envelopes by id, with a compact copy of what `tick` needs of the pending ones.
///
/// `tick` runs after every delivery and looks at every pending envelope (which are due, which expired, when
/// to wake). Done over the entries themselves, each look copied a whole `QueuedEnvelope`, a score of strings
/// to retain and release: with 5,000 queued, about a millisecond of CPU per delivery. The index holds plain
/// numbers, kept up to date by the one setter every change goes through, so call sites read and write
/// `table[id]` as they would a dictionary.
struct EnvelopeTable: Sequence {
    /// When a pending envelope is due and when it expires.
    struct PendingTimes: Sendable, Equatable {
        var nextTry: Int64
        var expiry: Int64
        var deliveryClass: DeliveryClass
    }

    private(set) var entries: [EnvelopeID: SchedulerStateMachine.Entry] = [:]
    /// Exactly the entries in state `.pending`.
    private(set) var pending: [EnvelopeID: PendingTimes] = [:]
    /// `queue ttl`, for envelopes that carry no expiry of their own.
    let queueTTL: Int64

    init(queueTTL: Int64) {
        self.queueTTL = queueTTL
    }

    subscript(id: EnvelopeID) -> SchedulerStateMachine.Entry? {
        get { entries[id] }
        set {
            entries[id] = newValue
            if let newValue, newValue.state == .pending {
                pending[id] = PendingTimes(
                    nextTry: newValue.envelope.nextTry, expiry: expiry(of: newValue.envelope),
                    deliveryClass: DeliveryClass(method: newValue.envelope.method))
            } else {
                pending[id] = nil
            }
        }
    }

    func makeIterator() -> Dictionary<EnvelopeID, SchedulerStateMachine.Entry>.Iterator { entries.makeIterator() }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    var keys: Dictionary<EnvelopeID, SchedulerStateMachine.Entry>.Keys { entries.keys }

    func expiry(of envelope: QueuedEnvelope) -> Int64 {
        envelope.expire > 0 ? envelope.expire : envelope.created + queueTTL
    }
}
