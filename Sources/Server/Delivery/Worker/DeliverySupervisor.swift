#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The privileged process that starts delivery workers: it stays root while the daemon drops its privileges, and
/// does nothing else. Single-threaded, one poll loop:
///
/// - a request from the daemon is routed by its delivery user to that user's worker (`WorkerIdentity`), which
///   is started on first use; requests it can answer itself (unknown user, root refused) never reach a worker;
/// - a worker's reply goes back to the daemon unchanged;
/// - a worker that has had nothing to do for `idleTimeout` seconds is told to stop by closing its socket;
/// - a worker that dies gets its unanswered requests answered as temporary failures;
/// - when the daemon's socket closes, every worker is closed and waited for, and the supervisor exits.
final class DeliverySupervisor {
    private let daemon: SeqPacketSocket
    private let executable: String
    private let idleTimeout: Double
    /// The system mailbox folder (`/var/mail`), whose group mbox workers may get.
    private let mailSpool: String
    private var workers: [WorkerIdentity: Worker] = [:]
    private var groupLists = GroupListCache()

    private struct Worker {
        var pid: pid_t
        var socket: SeqPacketSocket
        var inFlight: Set<UInt64> = []
        var idleSince: Double
    }

    init(daemon: SeqPacketSocket, executable: String, idleTimeout: Double, mailSpool: String) {
        self.daemon = daemon
        self.executable = executable
        self.idleTimeout = idleTimeout
        self.mailSpool = mailSpool
    }

    func run() {
        while true {
            let identities = Array(workers.keys)
            var polled = [pollfd(fd: daemon.descriptor, events: Int16(POLLIN), revents: 0)]
            polled += identities.map { pollfd(fd: workers[$0]!.socket.descriptor, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), 1000)
            if ready < 0 && errno != EINTR {
                DeliveryProcessLog.warn("delivery supervisor: poll: \(String(cString: strerror(errno)))")
                break
            }
            reapExitedChildren()
            for (index, identity) in identities.enumerated() where polled[index + 1].revents != 0 {
                readFromWorker(identity)
            }
            if polled[0].revents != 0 && !readFromDaemon() { break }
            stopIdleWorkers()
        }
        shutDown()
    }

    // MARK: Daemon side

    /// - Returns: false when the daemon has gone.
    private func readFromDaemon() -> Bool {
        let received: (record: [UInt8], descriptor: Int32?)?
        do throws(SeqPacketSocket.Failure) {
            received = try daemon.receive()
        } catch {
            DeliveryProcessLog.warn("delivery supervisor: \(error)")
            return false
        }
        guard let (bytes, descriptor) = received else { return false }
        defer { if let descriptor { close(descriptor) } }
        let request: DeliveryRequest
        do throws(WireRecord.DecodingError) {
            request = try DeliveryRequest(try WireRecord(decoding: bytes))
        } catch {
            DeliveryProcessLog.warn("delivery supervisor: unreadable request: \(error)")
            return true
        }
        guard let descriptor else {
            answer(request.id, .temporaryFailure("delivery supervisor: no message descriptor"))
            return true
        }
        let identity: WorkerIdentity
        do throws(LocalDeliveryError) {
            identity = try WorkerIdentity.forDelivery(request.delivery, mailSpool: mailSpool) { account in
                groupLists.groups(of: account, now: Self.now())
            }
        } catch {
            answer(request.id, error.outcome)
            return true
        }
        guard var worker = workers[identity] ?? startWorker(identity) else {
            answer(request.id, .temporaryFailure("cannot start a delivery worker for \(identity)"))
            return true
        }
        do throws(SeqPacketSocket.Failure) {
            try worker.socket.send(bytes, attaching: descriptor)
            worker.inFlight.insert(request.id)
            workers[identity] = worker
        } catch {
            workers[identity] = worker
            answer(request.id, .temporaryFailure("delivery worker for \(identity): \(error)"))
        }
        return true
    }

    private func answer(_ id: UInt64, _ outcome: DeliveryOutcome) {
        guard let bytes = try? DeliveryReply(id: id, outcome: outcome).record().encoded() else { return }
        forwardToDaemon(bytes)
    }

    private func forwardToDaemon(_ bytes: [UInt8]) {
        do throws(SeqPacketSocket.Failure) {
            try daemon.send(bytes)
        } catch {
            DeliveryProcessLog.warn("delivery supervisor: cannot answer the daemon: \(error)")
        }
    }

    // MARK: Workers

    private func startWorker(_ identity: WorkerIdentity) -> Worker? {
        do {
            let (ours, theirs) = try SeqPacketSocket.pair()
            defer { theirs.close() }
            let pid = try ProcessSpawner.spawn(
                executable, arguments: [DeliveryWorkerProcess.workerFlag] + identity.arguments,
                environment: ["PATH=\(CommandEnvironment.defaultPath)"],
                descriptors: [DeliveryWorkerProcess.socketDescriptor: theirs.descriptor])
            let worker = Worker(pid: pid, socket: ours, idleSince: Self.now())
            workers[identity] = worker
            return worker
        } catch {
            DeliveryProcessLog.warn("delivery supervisor: cannot start a worker for \(identity): \(error)")
            return nil
        }
    }

    private func readFromWorker(_ identity: WorkerIdentity) {
        guard var worker = workers[identity] else { return }
        let received = try? worker.socket.receive()
        guard let (bytes, descriptor) = received ?? nil else {
            workerEnded(identity)
            return
        }
        if let descriptor { close(descriptor) }
        guard let reply = try? DeliveryReply(WireRecord(decoding: bytes)) else {
            DeliveryProcessLog.warn("delivery supervisor: unreadable reply from worker \(identity)")
            return
        }
        worker.inFlight.remove(reply.id)
        if worker.inFlight.isEmpty { worker.idleSince = Self.now() }
        workers[identity] = worker
        forwardToDaemon(bytes)
    }

    private func workerEnded(_ identity: WorkerIdentity) {
        guard let worker = workers.removeValue(forKey: identity) else { return }
        worker.socket.close()
        for id in worker.inFlight.sorted() {
            answer(id, .temporaryFailure("delivery worker for \(identity) exited"))
        }
    }

    private func stopIdleWorkers() {
        let now = Self.now()
        for (identity, worker) in workers where worker.inFlight.isEmpty && now - worker.idleSince >= idleTimeout {
            worker.socket.close()
            workers[identity] = nil
        }
    }

    private func reapExitedChildren() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG) > 0 {}
    }

    private func shutDown() {
        for worker in workers.values { worker.socket.close() }
        workers.removeAll()
        var status: Int32 = 0
        while waitpid(-1, &status, 0) > 0 || errno == EINTR {}
    }

    private static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
