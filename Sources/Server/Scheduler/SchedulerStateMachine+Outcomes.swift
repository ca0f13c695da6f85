extension SchedulerStateMachine {
    /// An agent returned: one outcome per envelope of the batch, in order. Returns the log lines and the
    /// record that makes the outcomes durable (already counted as running: the runner performs it at once).
    ///
    /// - delivered: the envelope is removed; with NOTIFY=SUCCESS the sender gets a `delivered` notice
    ///   (`relayed` for relayed mail: Tern cannot tell whether the next server sends its own).
    /// - temporary failure: tries + 1, next try by `RetryBackoff`, the error kept; once the next try lies past
    ///   a `bounce warn-interval` not yet warned about, a delay notice (OpenSMTPD's rule in scheduler.c).
    /// - permanent failure: a failure notice, then the envelope is removed.
    /// Notices follow NOTIFY and never go to the null sender. One notice per message and kind covers all the
    /// batch's recipients.
    mutating func deliveryFinished(_ batchID: Int, outcomes: [DeliveryOutcome], now: Int64) -> [SchedulerAction] {
        guard let batch = finishBatch(batchID) else { return [] }
        let deliveryClass = DeliveryClass(method: batch.method)
        var actions: [SchedulerAction] = []
        var writes: [Record.Write] = []
        var failed: [BounceRecipient] = []
        var succeeded: [BounceRecipient] = []
        var delayed: [(delay: Int64, recipient: BounceRecipient)] = []

        for (index, sent) in batch.envelopes.enumerated() {
            let id = sent.id!
            guard var entry = entries[id] else { continue }
            let outcome = index < outcomes.count
                ? outcomes[index] : .temporaryFailure("delivery agent returned no result for this recipient")
            if !settings.methodsLoggingThemselves.contains(batch.method) {
                let line = deliveryClass == .mda
                    ? DeliveryLogLine.mda(session: batch.sessionID, envelope: entry.envelope, outcome: outcome, now: now)
                    : DeliveryLogLine.mta(session: batch.sessionID, envelope: entry.envelope, outcome: outcome, now: now)
                actions.append(.log(.info(line)))
            }
            entry.state = .recording
            defer { entries[id] = entry }

            switch outcome {
            case .delivered: counters.deliveredOK += 1
            case .temporaryFailure: counters.temporaryFailures += 1
            case .permanentFailure: counters.permanentFailures += 1
            }
            if entry.removeRequested {
                entry.removeRequested = false
                counters.removed += 1
                writes.append(.remove(id))
                continue
            }
            switch outcome {
            case .delivered:
                writes.append(.remove(id))
                if Self.mayNotify(entry.envelope, \.success) {
                    succeeded.append(Self.recipient(entry.envelope, status: "2.0.0", diagnostic: ""))
                }
            case .permanentFailure(let text):
                writes.append(.remove(id))
                if Self.mayNotify(entry.envelope, \.failure) {
                    failed.append(Self.recipient(
                        entry.envelope, status: EnhancedStatus.forFailure(text, permanent: true), diagnostic: text))
                }
            case .temporaryFailure(let text):
                var updated = entry.envelope
                updated.retries += 1
                updated.lastTry = batch.started
                updated.nextTry = settings.backoff.nextTry(
                    created: updated.created, retries: updated.retries, deliveryClass: deliveryClass, now: now)
                updated.lastError = text
                if let warning = dueWarning(updated) {
                    updated.lastWarning = updated.created + warning
                    if Self.mayNotify(updated, \.delay) {
                        delayed.append((warning, Self.recipient(
                            updated, status: EnhancedStatus.forFailure(text, permanent: false), diagnostic: text)))
                    }
                }
                writes.append(.update(updated))
            }
        }

        guard let first = batch.envelopes.first, !writes.isEmpty else { return actions }
        var bounces: [BounceRequest] = []
        if !failed.isEmpty { bounces.append(Self.bounce(for: first, kind: .failed, failed)) }
        for delay in Set(delayed.map(\.delay)).sorted() {
            let kind = BounceKind.delayed(delay: delay, expiresIn: expiry(of: first) - first.created)
            bounces.append(Self.bounce(for: first, kind: kind, delayed.filter { $0.delay == delay }.map(\.recipient)))
        }
        if !succeeded.isEmpty {
            bounces.append(Self.bounce(for: first, kind: deliveryClass == .mta ? .relayed : .delivered, succeeded))
        }
        return actions + [.record(newRecord(bounces: bounces, writes: writes, running: true))]
    }

    /// OpenSMTPD's rule: after a temporary failure, the first `bounce warn-interval` that the next try lies
    /// beyond and that no notice was sent for yet.
    func dueWarning(_ envelope: QueuedEnvelope) -> Int64? {
        settings.warnIntervals.first { interval in
            let instant = envelope.created + interval
            return envelope.nextTry >= instant && envelope.lastWarning < instant
        }
    }
}
