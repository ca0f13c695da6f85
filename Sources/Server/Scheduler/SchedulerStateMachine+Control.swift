/// The entry points `smtpctl` uses: schedule, remove, pause, resume, show queue.
extension SchedulerStateMachine {
    /// `smtpctl schedule`: the matching pending envelopes are due now. Returns how many.
    mutating func schedule(_ target: SchedulerTarget, now: Int64) -> Int {
        var count = 0
        for (id, entry) in entries where target.matches(id) && entry.state == .pending {
            entries[id]?.envelope.nextTry = min(entry.envelope.nextTry, now)
            count += 1
        }
        return count
    }

    /// `smtpctl remove`: the matching envelopes leave the queue without any notice. One in flight or being
    /// recorded goes once that is over. Returns how many envelopes matched, and the log lines.
    mutating func remove(_ target: SchedulerTarget, now: Int64) -> (count: Int, actions: [SchedulerAction]) {
        var pending: [EnvelopeID] = []
        var count = 0
        for (id, entry) in entries where target.matches(id) {
            count += 1
            if entry.state == .pending {
                pending.append(id)
            } else {
                entries[id]?.removeRequested = true
            }
        }
        return (count, pending.isEmpty ? [] : removePending(pending.sorted(), now: now))
    }

    /// `smtpctl pause mda|mta`: no new deliveries for that agent; expiry still applies.
    mutating func pause(_ deliveryClass: DeliveryClass) { setPaused(deliveryClass, true) }

    /// `smtpctl resume mda|mta`.
    mutating func resume(_ deliveryClass: DeliveryClass) { setPaused(deliveryClass, false) }

    /// Every envelope with its state, by id (`smtpctl show queue`).
    func listing() -> [QueueListingEntry] {
        entries.keys.sorted().map { QueueListingEntry(envelope: entries[$0]!.envelope, state: entries[$0]!.state) }
    }
}
