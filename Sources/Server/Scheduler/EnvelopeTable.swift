import HeapModule

/// The scheduler's envelopes by id, with an index of the pending ones kept in time order.
///
/// `tick` runs after every delivery and every arrival. It asks which pending envelopes are due, which
/// expired, and when the next thing happens. Scanning every pending envelope for that cost time in proportion
/// to the queue: a server holding 50,000 deferred envelopes spent milliseconds per delivery. So the pending
/// envelopes are also kept in two heaps, by next try and by expiry, and per message; the questions cost a
/// logarithm of the queue plus what they return. Every change goes through the one subscript setter, so call
/// sites read and write `table[id]` as they would a dictionary.
///
/// The next-try heap is one per delivery class, so that a paused class (`smtpctl pause mta` with a large
/// relay queue, say) costs nothing while the other delivers. The heaps are lazy: a change pushes the
/// envelope's new time and leaves the old entry behind. An entry counts only while its envelope is pending
/// with exactly that time; others are dropped when they reach the top, and a heap that has grown to more than
/// twice the pending envelopes is rebuilt.
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
    /// The pending envelopes of each message.
    private var pendingByMessage: [MessageID: Set<EnvelopeID>] = [:]
    private var byNextTry: [DeliveryClass: Heap<TimedEnvelope>] = [:]
    private var byExpiry = Heap<TimedEnvelope>()
    /// `queue ttl`, for envelopes that carry no expiry of their own.
    let queueTTL: Int64

    init(queueTTL: Int64) {
        self.queueTTL = queueTTL
    }

    subscript(id: EnvelopeID) -> SchedulerStateMachine.Entry? {
        get { entries[id] }
        set {
            entries[id] = newValue
            let old = pending[id]
            guard let newValue, newValue.state == .pending else {
                if old != nil { forget(id) }
                return
            }
            let times = PendingTimes(
                nextTry: newValue.envelope.nextTry, expiry: expiry(of: newValue.envelope),
                deliveryClass: DeliveryClass(method: newValue.envelope.method))
            pending[id] = times
            if old == nil { pendingByMessage[id.messageID, default: []].insert(id) }
            if old?.nextTry != times.nextTry || old?.deliveryClass != times.deliveryClass {
                byNextTry[times.deliveryClass, default: Heap()].insert(TimedEnvelope(time: times.nextTry, id: id))
            }
            if old?.expiry != times.expiry { byExpiry.insert(TimedEnvelope(time: times.expiry, id: id)) }
            rebuildIfMostlyStale()
        }
    }

    func makeIterator() -> Dictionary<EnvelopeID, SchedulerStateMachine.Entry>.Iterator { entries.makeIterator() }

    /// How many entries the two heaps hold, stale ones included, for tests.
    var indexSize: (byNextTry: Int, byExpiry: Int) { (byNextTry.values.reduce(0) { $0 + $1.count }, byExpiry.count) }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    var keys: Dictionary<EnvelopeID, SchedulerStateMachine.Entry>.Keys { entries.keys }

    func expiry(of envelope: QueuedEnvelope) -> Int64 {
        envelope.expire > 0 ? envelope.expire : envelope.created + queueTTL
    }

    // MARK: Questions in time order

    /// The pending envelopes whose expiry is at or before `now`, in no particular order.
    mutating func expired(now: Int64) -> [EnvelopeID] {
        Self.inOrder(&byExpiry, pending: pending, upTo: now, isLive: { $0.expiry == $1 }) { _, _ in .take }
    }

    /// The due envelopes of the `limit` messages whose first due envelope is oldest, leaving out the paused
    /// classes: every due envelope of those messages (not only the oldest), oldest due first, ties by id.
    mutating func due(now: Int64, skipping paused: Set<DeliveryClass>, messages limit: Int) -> [EnvelopeID] {
        guard limit > 0 else { return [] }
        // Each class's first `limit` messages, by their first due envelope there; the `limit` first of these
        // across the classes are the first overall.
        var firstDue: [MessageID: TimedEnvelope] = [:]
        for deliveryClass in DeliveryClass.allCases where !paused.contains(deliveryClass) {
            guard var heap = byNextTry.removeValue(forKey: deliveryClass) else { continue }
            var chosenHere: Set<MessageID> = []
            _ = Self.inOrder(&heap, pending: pending, upTo: now, isLive: {
                $0.nextTry == $1 && $0.deliveryClass == deliveryClass
            }) { id, times in
                if chosenHere.contains(id.messageID) { return .skip }
                if chosenHere.count == limit { return .stop }
                chosenHere.insert(id.messageID)
                let first = TimedEnvelope(time: times.nextTry, id: id)
                if firstDue[id.messageID].map({ first < $0 }) ?? true { firstDue[id.messageID] = first }
                return .skip
            }
            byNextTry[deliveryClass] = heap
        }
        let chosen = firstDue.sorted { $0.value < $1.value }.prefix(limit).map(\.key)
        var due: [TimedEnvelope] = []
        for message in chosen {
            for id in pendingByMessage[message] ?? [] {
                guard let times = pending[id], times.nextTry <= now, !paused.contains(times.deliveryClass) else { continue }
                due.append(TimedEnvelope(time: times.nextTry, id: id))
            }
        }
        return due.sorted().map(\.id)
    }

    /// The earliest expiry of a pending envelope.
    mutating func earliestExpiry() -> Int64? {
        Self.dropStaleTop(&byExpiry, pending: pending) { $0.expiry == $1 }
        return byExpiry.min?.time
    }

    /// The earliest next try of a pending envelope outside the paused classes.
    mutating func earliestNextTry(skipping paused: Set<DeliveryClass>) -> Int64? {
        var earliest: Int64?
        for deliveryClass in DeliveryClass.allCases where !paused.contains(deliveryClass) {
            guard var heap = byNextTry.removeValue(forKey: deliveryClass) else { continue }
            Self.dropStaleTop(&heap, pending: pending) { $0.nextTry == $1 && $0.deliveryClass == deliveryClass }
            if let time = heap.min?.time { earliest = Swift.min(earliest ?? time, time) }
            byNextTry[deliveryClass] = heap
        }
        return earliest
    }

    // MARK: The heaps

    private enum Visit { case take, skip, stop }

    /// Visits the live entries of `heap` with a time up to `now`, in time order, each envelope once; returns
    /// those the visitor took. The heap is left holding every live entry it held.
    /// `isLive` tells whether an envelope's pending times still match an entry's time.
    private static func inOrder(
        _ heap: inout Heap<TimedEnvelope>, pending: [EnvelopeID: PendingTimes], upTo now: Int64,
        isLive: (PendingTimes, Int64) -> Bool, _ visit: (EnvelopeID, PendingTimes) -> Visit
    ) -> [EnvelopeID] {
        var live: [TimedEnvelope] = []
        var taken: [EnvelopeID] = []
        var seen: Set<EnvelopeID> = []
        while let top = heap.min, top.time <= now {
            heap.removeMin()
            // A stale entry, or a second live one for the same envelope and time, goes for good.
            guard let times = pending[top.id], isLive(times, top.time), seen.insert(top.id).inserted else {
                continue
            }
            live.append(top)
            let decision = visit(top.id, times)
            if decision == .take { taken.append(top.id) }
            if decision == .stop { break }
        }
        for entry in live { heap.insert(entry) }
        return taken
    }

    private static func dropStaleTop(
        _ heap: inout Heap<TimedEnvelope>, pending: [EnvelopeID: PendingTimes], isLive: (PendingTimes, Int64) -> Bool
    ) {
        while let top = heap.min, !(pending[top.id].map { isLive($0, top.time) } ?? false) { heap.removeMin() }
    }

    private mutating func forget(_ id: EnvelopeID) {
        pending[id] = nil
        let message = id.messageID
        pendingByMessage[message]?.remove(id)
        if pendingByMessage[message]?.isEmpty == true { pendingByMessage[message] = nil }
    }

    private mutating func rebuildIfMostlyStale() {
        let limit = 2 * pending.count + 1024
        if byNextTry.values.reduce(0, { $0 + $1.count }) > limit {
            byNextTry = Dictionary(grouping: pending, by: \.value.deliveryClass).mapValues { entries in
                Heap(entries.map { TimedEnvelope(time: $0.value.nextTry, id: $0.key) })
            }
        }
        if byExpiry.count > limit {
            byExpiry = Heap(pending.map { TimedEnvelope(time: $0.value.expiry, id: $0.key) })
        }
    }
}

/// An envelope at a time, ordered by time, then id.
struct TimedEnvelope: Comparable {
    let time: Int64
    let id: EnvelopeID

    static func < (lhs: TimedEnvelope, rhs: TimedEnvelope) -> Bool { (lhs.time, lhs.id) < (rhs.time, rhs.id) }
}
