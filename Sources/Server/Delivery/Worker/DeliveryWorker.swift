import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loop of a delivery worker process, which already runs as its user (`WorkerIdentity.adopt`): it reads
/// requests from the supervisor, delivers them with `LocalDeliverer`, several at a time, and answers each.
///
/// It reads eagerly, whatever is still being delivered, so the supervisor never blocks writing to it. When the
/// supervisor closes the socket (the worker was idle, or the daemon stopped), it finishes what it has and returns.
struct DeliveryWorker {
    let socket: SeqPacketSocket
    var deliverer = LocalDeliverer()
    var concurrency = 8

    func run() {
        let deliveries = OperationQueue()
        deliveries.maxConcurrentOperationCount = concurrency
        while true {
            let received: (record: [UInt8], descriptor: Int32?)?
            do throws(SeqPacketSocket.Failure) {
                received = try socket.receive()
            } catch {
                DeliveryProcessLog.warn("delivery worker: \(error)")
                break
            }
            guard let (bytes, descriptor) = received else { break }
            let deliverer = self.deliverer
            let socket = self.socket
            deliveries.addOperation {
                let reply = Self.handle(bytes, descriptor: descriptor, deliverer: deliverer)
                if let reply, let encoded = try? reply.record().encoded() {
                    // Each sendmsg on a SOCK_SEQPACKET socket is one whole record: replies from several threads
                    // cannot interleave.
                    try? socket.send(encoded)
                }
            }
        }
        deliveries.waitUntilAllOperationsAreFinished()
    }

    static func handle(_ bytes: [UInt8], descriptor: Int32?, deliverer: LocalDeliverer) -> DeliveryReply? {
        defer { if let descriptor { close(descriptor) } }
        let request: DeliveryRequest
        do throws(WireRecord.DecodingError) {
            request = try DeliveryRequest(try WireRecord(decoding: bytes))
        } catch {
            DeliveryProcessLog.warn("delivery worker: unreadable request: \(error)")
            guard let record = try? WireRecord(decoding: bytes), let id = UInt64(record["id"] ?? "") else { return nil }
            return DeliveryReply(id: id, outcome: .temporaryFailure("delivery worker: unreadable request"))
        }
        guard let descriptor else {
            return DeliveryReply(id: request.id, outcome: .temporaryFailure("delivery worker: no message descriptor"))
        }
        // The supervisor chose this worker by the delivery user; a mismatch would be a bug there, and must not
        // become a delivery with the wrong rights.
        let account: SystemAccount
        do throws(LocalDeliveryError) {
            account = try LocalDeliverer.account(for: request.delivery)
        } catch {
            return DeliveryReply(id: request.id, outcome: error.outcome)
        }
        guard account.uid == getuid() else {
            let text = "delivery worker runs as uid \(getuid()), not \(account.uid)"
            return DeliveryReply(id: request.id, outcome: .temporaryFailure(text))
        }
        let body = MessageBody(messageID: request.messageID, descriptor: descriptor, size: request.size)
        return DeliveryReply(id: request.id, outcome: deliverer.deliver(request.delivery, as: account, body: body))
    }
}

/// Warnings of the supervisor and worker processes, which have no logger: standard error, which they share with
/// the daemon.
enum DeliveryProcessLog {
    static func warn(_ text: String) {
        let line = Array("smtpd[\(getpid())]: warn: \(text)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
