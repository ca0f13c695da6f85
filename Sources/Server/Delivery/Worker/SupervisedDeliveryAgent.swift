import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The local delivery agent of a daemon started as root: each delivery runs in a worker process with the
/// delivery user's uid, gid and groups, started by the root supervisor (see Sources/Server/Delivery/README.md).
///
/// Start it with `launch` while the daemon is still root, before it drops its privileges; afterwards it needs
/// none. Requests and replies are records on one socket to the supervisor; the queued body travels as an open
/// descriptor, so the worker can read the daemon's 0600 file without any other right to it.
public final class SupervisedDeliveryAgent: DeliveryAgent, OneByOneDeliveryAgent, @unchecked Sendable {
    private let socket: SeqPacketSocket
    private let supervisor: pid_t
    /// For tests: the supervisor process.
    var supervisorProcessID: pid_t { supervisor }
    private let logger: Logger
    /// Blocking sends happen here, in order, never on the caller's executor (the cooperative pool).
    private let sendQueue = DispatchQueue(label: "tern.delivery-supervisor.send")
    private let state = Locked(State())

    private struct State {
        var nextID: UInt64 = 1
        var waiting: [UInt64: CheckedContinuation<DeliveryOutcome, Never>] = [:]
        /// Set once the supervisor is gone: every later delivery fails temporarily at once.
        var closedReason: String?
        /// Requests that found the socket full and were sent from `sendQueue`, for tests.
        var sendsWaitedFor = 0
    }

    /// For tests: how many requests had to wait for room on the socket.
    var sendsWaitedFor: Int { state.withLock { $0.sendsWaitedFor } }

    /// Starts the supervisor (this executable with a hidden argument, which `DeliveryWorkerProcess.runIfRequested`
    /// picks up) and returns the agent that talks to it. Call as root.
    /// - Parameters:
    ///   - executable: the smtpd binary; by default this process's own.
    ///   - workerIdleTimeout: seconds a worker may sit idle before it is stopped.
    ///   - mailSpool: the system mailbox folder; only mbox deliveries there may take its group for the dotlock.
    public static func launch(
        executable: String? = nil, workerIdleTimeout: Double = 60,
        mailSpool: String = DeliveryWorkerProcess.defaultMailSpool, logger: Logger
    ) throws -> SupervisedDeliveryAgent {
        let (ours, theirs) = try SeqPacketSocket.pair()
        defer { theirs.close() }
        let pid: pid_t
        do {
            pid = try ProcessSpawner.spawn(
                executable ?? ProcessSpawner.currentExecutable,
                arguments: [DeliveryWorkerProcess.supervisorFlag, String(workerIdleTimeout), mailSpool],
                environment: ["PATH=\(CommandEnvironment.defaultPath)"],
                descriptors: [DeliveryWorkerProcess.socketDescriptor: theirs.descriptor])
        } catch {
            ours.close()
            throw error
        }
        return SupervisedDeliveryAgent(socket: ours, supervisor: pid, logger: logger)
    }

    init(socket: SeqPacketSocket, supervisor: pid_t, logger: Logger) {
        self.socket = socket
        self.supervisor = supervisor
        self.logger = logger
        let thread = Thread { [self] in readReplies() }
        thread.name = "tern.delivery-supervisor.read"
        thread.start()
    }

    /// One delivery through the supervisor.
    func deliver(_ delivery: LocalDelivery, body: MessageBody) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            let id: UInt64? = state.withLock { state in
                if let reason = state.closedReason {
                    continuation.resume(returning: .temporaryFailure(reason))
                    return nil
                }
                let id = state.nextID
                state.nextID += 1
                state.waiting[id] = continuation
                return id
            }
            guard let id else { return }
            let request = DeliveryRequest(id: id, delivery: delivery, messageID: body.messageID, size: body.size)
            let record: [UInt8]
            do {
                record = try request.record().encoded()
            } catch {
                return finish(id, .temporaryFailure("delivery supervisor: \(error)"))
            }
            // sendmsg duplicates the descriptor into the supervisor. The caller keeps its own open until this
            // delivery's outcome arrives, which is after the send, so sending later, off this thread, is safe.
            // Nearly always the socket has room and the send is made here; a full one is waited for on
            // `sendQueue`, never on the caller's thread.
            do throws(SeqPacketSocket.Failure) {
                try socket.send(record, attaching: body.descriptor, waiting: false)
            } catch where error.code == EAGAIN || error.code == EWOULDBLOCK {
                state.withLock { $0.sendsWaitedFor += 1 }
                sendQueue.async { [self] in
                    do throws(SeqPacketSocket.Failure) {
                        try socket.send(record, attaching: body.descriptor)
                    } catch {
                        sendFailed(id, error)
                    }
                }
            } catch {
                sendFailed(id, error)
            }
        }
    }

    private func sendFailed(_ id: UInt64, _ failure: SeqPacketSocket.Failure) {
        guard failure.code == EPIPE else { return finish(id, .temporaryFailure("delivery supervisor: \(failure)")) }
        let reason = state.withLock { state in
            state.closedReason = state.closedReason ?? Self.exitedReason
            return state.closedReason!
        }
        finish(id, .temporaryFailure(reason))
    }

    deinit { socket.close() }

    private static let exitedReason = "delivery supervisor exited"

    /// Closes the connection: the supervisor stops its workers (which finish what they are doing) and exits.
    /// Deliveries still waiting fail temporarily.
    public func shutdown() {
        _ = Glibc.shutdown(socket.descriptor, Int32(SHUT_RDWR))
    }

    private func finish(_ id: UInt64, _ outcome: DeliveryOutcome) {
        let continuation = state.withLock { $0.waiting.removeValue(forKey: id) }
        continuation?.resume(returning: outcome)
    }

    private func readReplies() {
        var reason = Self.exitedReason
        while true {
            do throws(SeqPacketSocket.Failure) {
                guard let (bytes, descriptor) = try socket.receive() else { break }
                if let descriptor { close(descriptor) }
                do throws(WireRecord.DecodingError) {
                    let reply = try DeliveryReply(try WireRecord(decoding: bytes))
                    finish(reply.id, reply.outcome)
                } catch {
                    logger.warning("warn: delivery supervisor sent an unreadable reply: \(error)")
                }
            } catch {
                reason = "delivery supervisor: \(error)"
                break
            }
        }
        logger.warning("warn: \(reason)")
        let waiting = state.withLock { state in
            state.closedReason = state.closedReason ?? reason
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting.values { continuation.resume(returning: .temporaryFailure(reason)) }
        // The descriptor stays open (shut down, so inert) until deinit: a send racing with this end must never
        // hit a reused descriptor number.
        var status: Int32 = 0
        while waitpid(supervisor, &status, 0) < 0 && errno == EINTR {}
    }
}
