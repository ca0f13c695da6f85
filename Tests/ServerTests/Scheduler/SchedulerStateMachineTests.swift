import ConfParser
import Testing
@testable import Server

@Suite("Scheduler state machine")
struct SchedulerStateMachineTests {
    @Test func dueEnvelopesGoOutGroupedByMessageMethodTargetAndUser() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([
            scheduledEnvelope(message: 0xa1, index: 1, nextTry: 20),
            scheduledEnvelope(message: 0xa1, index: 2, nextTry: 20),
            scheduledEnvelope(message: 0xa1, index: 3, method: "mbox", target: "", nextTry: 20),
            scheduledEnvelope(message: 0xa1, index: 4, user: "carol", nextTry: 20),
            scheduledEnvelope(message: 0xb2, index: 1, nextTry: 10),
            scheduledEnvelope(message: 0xc3, index: 1, nextTry: 500),
        ])
        #expect(machine.nextWake() == 10)
        #expect(machine.tick(now: 5).isEmpty)

        let batches = machine.tick(now: 20).batches
        #expect(batches.map { $0.envelopes.map { $0.id!.description } } == [
            ["000000b200000001"],
            ["000000a100000001", "000000a100000002"],
            ["000000a100000003"],
            ["000000a100000004"],
        ])
        #expect(batches.allSatisfy { $0.started == 20 })
        #expect(Set(batches.map(\.sessionID)).count == 4)
        #expect(machine.stats.scheduled == 5 && machine.stats.inflight == 5 && machine.stats.envelopes == 6)
        #expect(machine.nextWake() == 500, "the in-flight ones do not count, the next pending one does")
        #expect(machine.tick(now: 20).isEmpty, "nothing is handed out twice")
    }

    @Test func concurrencyLimitHoldsBackDueWorkWithoutBusyWaking() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings(maxConcurrentDeliveries: 1))
        machine.add([scheduledEnvelope(message: 0xa1), scheduledEnvelope(message: 0xb2)])
        let first = machine.tick(now: 100).batches
        #expect(first.count == 1)
        #expect(machine.nextWake() == Int64(1000 + 4 * 86400), "only the expiry of the waiting one, not its due time")
        _ = machine.deliveryFinished(first[0].id, outcomes: [.delivered("Delivered")], now: 101)
        #expect(machine.nextWake() == 0)
        #expect(machine.tick(now: 101).batches.map(\.messageID.description) == ["000000b2"])
    }

    @Test func backoffIsOpenSMTPDsQuadraticSchedule() {
        let backoff = RetryBackoff()
        #expect(backoff.nextTry(created: 1000, retries: 1, deliveryClass: .mda, now: 1001) == 1010)
        #expect(backoff.nextTry(created: 1000, retries: 2, deliveryClass: .mda, now: 1011) == 1040)
        #expect(backoff.nextTry(created: 1000, retries: 3, deliveryClass: .mda, now: 1041) == 1090)
        #expect(backoff.nextTry(created: 1000, retries: 1, deliveryClass: .mta, now: 1001) == 1400)
        #expect(backoff.nextTry(created: 1000, retries: 2, deliveryClass: .mta, now: 1401) == 2600)
        // A try that took long, or a restart after downtime: the first slot still in the future.
        #expect(backoff.nextTry(created: 0, retries: 1, deliveryClass: .mda, now: 10_000) == 10_240)
        #expect(backoff.nextTry(created: 0, retries: 1, deliveryClass: .mda, now: 10_240) == 10_890)
        #expect(backoff.nextTry(created: 0, retries: 1, deliveryClass: .mta, now: 86_400) == 400 * 15 * 15)
    }

    @Test func temporaryFailureIsRewrittenWithRetriesNextTryAndError() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([scheduledEnvelope(created: 1000)])
        let batch = machine.tick(now: 1002).batches[0]
        let actions = machine.deliveryFinished(batch.id, outcomes: [.temporaryFailure("452 4.2.2 Mailbox full")], now: 1003)
        let record = actions.records[0]
        #expect(record.bounces.isEmpty)
        let updated = record.updatedEnvelopes[0]
        #expect(updated.retries == 1 && updated.lastTry == 1002 && updated.nextTry == 1010)
        #expect(updated.lastError == "452 4.2.2 Mailbox full")
        #expect(machine.listing()[0].state == .recording)
        #expect(machine.nextWake() == nil, "a running record wakes the runner itself when done")

        _ = machine.recordFinished(record.id, submittedBounces: [], completedWrites: [updated.id!], now: 1003)
        #expect(machine.listing()[0] == QueueListingEntry(envelope: updated, state: .pending))
        #expect(machine.nextWake() == 1010)
        #expect(machine.stats.temporaryFailures == 1)
    }

    @Test func permanentFailuresOfOneBatchShareOneBounce() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([scheduledEnvelope(index: 1), scheduledEnvelope(index: 2), scheduledEnvelope(index: 3)])
        let batch = machine.tick(now: 1001).batches[0]
        let actions = machine.deliveryFinished(batch.id, outcomes: [
            .permanentFailure("550 5.1.1 <rcpt1@example.net>: no such user"),
            .delivered("Delivered"),
            .permanentFailure("user unknown"),
        ], now: 1002)
        let record = actions.records[0]
        #expect(record.removedIDs.count == 3)
        #expect(record.bounces.count == 1)
        let bounce = record.bounces[0]
        #expect(bounce.kind == .failed && bounce.sender == "alice@example.org")
        #expect(bounce.recipients.map(\.finalRecipient) == ["rcpt1@example.net", "rcpt3@example.net"])
        #expect(bounce.recipients.map(\.status) == ["5.1.1", "5.0.0"])
        #expect(actions.logLines.count == 3)
        _ = machine.recordFinished(record.id, submittedBounces: [0], completedWrites: Set(record.removedIDs), now: 1002)
        #expect(machine.entries.isEmpty)
        #expect(machine.stats.bounces == 1 && machine.stats.permanentFailures == 2 && machine.stats.deliveredOK == 1)
    }

    @Test func expiryIsCheckedBeforeTryingAndBounces() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        var old = scheduledEnvelope(index: 1, created: 1000, expire: 2000, nextTry: 1500)
        old.lastError = "421 mx.example.net busy"
        machine.add([old, scheduledEnvelope(index: 2, created: 1000, expire: 2000, nextTry: 3000)])
        #expect(machine.nextWake() == 1500)
        _ = machine.tick(now: 1500).batches.map { machine.deliveryFinished($0.id, outcomes: [.temporaryFailure("x")], now: 1500) }
        let actions = machine.tick(now: 2000)
        #expect(actions.batches.isEmpty)
        let record = actions.records.first { !$0.bounces.isEmpty }!
        #expect(record.removedIDs.map(\.description) == ["000000a100000002"])
        #expect(record.bounces[0].kind == .failed)
        #expect(record.bounces[0].recipients[0].status == "4.4.7")
        #expect(actions.logLines == [
            "delivery: Expire for 000000a100000002: from=<alice@example.org>, to=<rcpt2@example.net>, rcpt=<->, delay=16m40s, stat=Envelope expired"
        ])
        #expect(machine.stats.expired == 1)
    }

    @Test func expiryCarriesTheLastError() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        var envelope = scheduledEnvelope(created: 0, expire: 100, nextTry: 200)
        envelope.lastError = "421 busy"
        machine.add([envelope])
        let bounce = machine.tick(now: 100).records[0].bounces[0]
        #expect(bounce.recipients[0].diagnostic == "Envelope expired; last error: 421 busy")
    }

    @Test(arguments: [
        // notify, outcome, expected notification kinds
        ("", "perm", ["failed"]),
        ("NEVER", "perm", []),
        ("SUCCESS", "perm", []),
        ("FAILURE", "perm", ["failed"]),
        ("SUCCESS,FAILURE", "ok", ["delivered"]),
        ("", "ok", []),
        ("DELAY", "temp", ["delayed"]),
        ("", "temp", ["delayed"]),
        ("FAILURE", "temp", []),
        ("NEVER", "temp", []),
    ])
    func notifyDecidesWhichNoticesGoOut(notify: String, outcome: String, kinds: [String]) {
        // warn-interval 1s so that the first temporary failure crosses it.
        var machine = SchedulerStateMachine(settings: SchedulerSettings(warnIntervals: [1]))
        machine.add([scheduledEnvelope(created: 1000, notify: notify)])
        let batch = machine.tick(now: 1000).batches[0]
        let result: DeliveryOutcome = switch outcome {
        case "ok": .delivered("Delivered")
        case "temp": .temporaryFailure("451 later")
        default: .permanentFailure("550 no")
        }
        let record = machine.deliveryFinished(batch.id, outcomes: [result], now: 1000).records[0]
        #expect(record.bounces.map(\.kind.action) == kinds)
    }

    @Test func noNoticeEverForTheNullSender() {
        for outcome: DeliveryOutcome in [.permanentFailure("550 no"), .temporaryFailure("451 later"), .delivered("ok")] {
            var machine = SchedulerStateMachine(settings: SchedulerSettings(warnIntervals: [1]))
            machine.add([scheduledEnvelope(sender: "", notify: "SUCCESS,DELAY,FAILURE")])
            let batch = machine.tick(now: 1000).batches[0]
            #expect(machine.deliveryFinished(batch.id, outcomes: [outcome], now: 1000).records[0].bounces.isEmpty)
        }
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([scheduledEnvelope(sender: "", expire: 1)])
        #expect(machine.tick(now: 1000).records[0].bounces.isEmpty)
    }

    @Test func delayNoticeOncePerWarnInterval() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings(warnIntervals: [300, 3000]))
        machine.add([scheduledEnvelope(method: "relay", target: "", user: nil, created: 0)])
        var kinds: [[BounceKind]] = []
        var now: Int64 = 0
        for _ in 0..<4 {
            let batch = machine.tick(now: now).batches[0]
            let record = machine.deliveryFinished(batch.id, outcomes: [.temporaryFailure("421 busy")], now: now).records[0]
            kinds.append(record.bounces.map(\.kind))
            _ = machine.recordFinished(record.id, submittedBounces: Set(record.bounces.indices), completedWrites: [record.writes[0].envelopeID], now: now)
            now = machine.listing()[0].envelope.nextTry
        }
        // Tries at 0, 400, 1600, 3600: the next tries (400, 1600, 3600, 6400) cross 300 once and 3000 once.
        let expiresIn: Int64 = 4 * 86400 + 1000
        #expect(kinds == [[.delayed(delay: 300, expiresIn: expiresIn)], [], [.delayed(delay: 3000, expiresIn: expiresIn)], []])
        #expect(machine.listing()[0].envelope.lastWarning == 3000)
    }

    @Test func pauseHoldsOneAgentAndResumeReleasesIt() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([
            scheduledEnvelope(message: 0xa1, method: "lmtp", target: "/run/dovecot/lmtp"),
            scheduledEnvelope(message: 0xb2, method: "relay", target: "", user: nil, nextTry: 50),
        ])
        machine.pause(.mda)
        #expect(machine.nextWake() == 50)
        #expect(machine.tick(now: 100).batches.map(\.method) == ["relay"])
        #expect(machine.nextWake() == Int64(1000 + 4 * 86400), "the paused one only waits for its expiry")
        machine.resume(.mda)
        #expect(machine.tick(now: 100).batches.map(\.method) == ["lmtp"])
    }

    @Test func scheduleMakesEnvelopesDueNow() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([scheduledEnvelope(message: 0xa1, nextTry: 5000), scheduledEnvelope(message: 0xb2, nextTry: 5000)])
        #expect(machine.schedule(SchedulerTarget("000000a1")!, now: 100) == 1)
        #expect(machine.tick(now: 100).batches.map(\.messageID.description) == ["000000a1"])
        #expect(machine.schedule(.all, now: 100) == 1, "the one in flight is not rescheduled")
    }

    @Test func removeTakesPendingAtOnceAndInflightAfterItsOutcome() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([scheduledEnvelope(message: 0xa1, nextTry: 5000), scheduledEnvelope(message: 0xb2)])
        let batch = machine.tick(now: 1000).batches[0]
        let (count, actions) = machine.remove(.all, now: 1000)
        #expect(count == 2)
        #expect(actions.logLines == [
            "delivery: Remove for 000000a100000001: from=<alice@example.org>, to=<rcpt1@example.net>, rcpt=<->, delay=0s, stat=Removed by administrator"
        ])
        let removal = machine.tick(now: 1000).records[0]
        #expect(removal.removedIDs.map(\.description) == ["000000a100000001"] && removal.bounces.isEmpty)

        let outcome = machine.deliveryFinished(batch.id, outcomes: [.permanentFailure("550 no")], now: 1001).records[0]
        #expect(outcome.removedIDs == [batch.envelopes[0].id!])
        #expect(outcome.bounces.isEmpty, "a removed envelope bounces no more")
        #expect(machine.stats.removed == 2)
    }

    @Test func failedRecordIsKeptAndTriedAgainWithoutResendingItsNotice() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings(recordRetryDelay: 60))
        machine.add([scheduledEnvelope(index: 1), scheduledEnvelope(index: 2)])
        let batch = machine.tick(now: 1000).batches[0]
        let record = machine.deliveryFinished(
            batch.id, outcomes: [.permanentFailure("550 no"), .temporaryFailure("451 later")], now: 1000
        ).records[0]
        // The bounce was queued, the removal failed (disk full), the update too.
        let warning = machine.recordFinished(record.id, submittedBounces: [0], completedWrites: [], now: 1000)
        #expect(warning.logLines.count == 1)
        #expect(machine.entries.count == 2)
        #expect(machine.nextWake() == 1060)
        #expect(machine.tick(now: 1059).records.isEmpty)
        let again = machine.tick(now: 1060).records
        #expect(again.count == 1 && again[0].bounces.isEmpty && again[0].writes == record.writes)
        _ = machine.recordFinished(again[0].id, submittedBounces: [], completedWrites: Set(record.writes.map(\.envelopeID)), now: 1060)
        #expect(machine.entries.count == 1)
        #expect(machine.listing()[0].envelope.retries == 1)
    }

    @Test func aMissingOutcomeIsATemporaryFailure() {
        var machine = SchedulerStateMachine(settings: SchedulerSettings())
        machine.add([scheduledEnvelope(index: 1), scheduledEnvelope(index: 2)])
        let batch = machine.tick(now: 1000).batches[0]
        let record = machine.deliveryFinished(batch.id, outcomes: [.delivered("Delivered")], now: 1000).records[0]
        #expect(record.removedIDs.count == 1)
        #expect(record.updatedEnvelopes.map(\.retries) == [1])
    }
}

@Suite("Scheduler settings")
struct SchedulerSettingsTests {
    @Test func fromTheConfigurationFirstFourWarnIntervalsAndQueueTTL() {
        var globals = GlobalOptions()
        #expect(SchedulerSettings(globals: globals).warnIntervals == [4 * 3600])
        #expect(SchedulerSettings(globals: globals).queueTTL == 4 * 86400)
        globals.bounceWarnIntervals = ["1h", "2h", "3h", "4h", "5h"].map { Delay(parsing: $0)! }
        globals.queueTTL = Delay(parsing: "2d")
        let settings = SchedulerSettings(globals: globals, maxConcurrentDeliveries: 8)
        #expect(settings.warnIntervals == [3600, 7200, 10800, 14400])
        #expect(settings.queueTTL == 2 * 86400)
        #expect(settings.maxConcurrentDeliveries == 8)
    }
}
