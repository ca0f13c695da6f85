#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Performs one local delivery in the calling process, with the process's own rights: called by the in-process
/// agent when the daemon is not root, and by a delivery worker that already runs as the recipient's user.
///
/// Every method gets the message as OpenSMTPD's mda process hands it on: `Return-Path:` and `Delivered-To:`
/// first, then the queued body. Blocking: call it from a delivery thread.
public struct LocalDeliverer: Sendable {
    var maildir = MaildirWriter()
    var mbox = MboxWriter()
    var command = CommandRunner()
    /// Tests that run as root turn the refusal off to exercise the writers; nothing else may.
    var refusesRootDeliveries = true

    public init() {}

    /// A deliverer whose file writes go through `fileSystem` (tests make the disk full with it).
    init(fileSystem: QueueFileSystem) {
        maildir.fileSystem = fileSystem
        mbox.fileSystem = fileSystem
    }

    public func deliver(_ delivery: LocalDelivery, body: MessageBody) -> DeliveryOutcome {
        do throws(LocalDeliveryError) {
            return deliver(delivery, as: try Self.account(for: delivery), body: body)
        } catch {
            return error.outcome
        }
    }

    /// A delivery whose user the caller has already looked up (a worker checks it against its own uid first).
    func deliver(_ delivery: LocalDelivery, as account: SystemAccount, body: MessageBody) -> DeliveryOutcome {
        do throws(LocalDeliveryError) {
            try perform(delivery, account: account, body: body)
            return .delivered("Delivered")
        } catch {
            return error.outcome
        }
    }

    /// The passwd entry of the user the delivery runs as: an unknown user is a permanent failure.
    static func account(for delivery: LocalDelivery) throws(LocalDeliveryError) -> SystemAccount {
        switch SystemAccount.named(delivery.deliveryUser) {
        case .success(let account):
            return account
        case .failure(.noSuchUser):
            if delivery.deliveryUser != delivery.user {
                throw .permanent("delivery user '\(delivery.deliveryUser)' does not exist")
            }
            throw .permanent("user '\(delivery.user)' does not exist on this system")
        case .failure(.databaseError(let reason)):
            throw .temporary("cannot look up user '\(delivery.deliveryUser)': \(reason)")
        }
    }

    /// OpenSMTPD never runs a delivery as root, except writing a mailbox (mail.local must create it).
    static func refusesRoot(_ method: LocalDelivery.Method) -> Bool { method != .mbox }

    private func perform(_ delivery: LocalDelivery, account: SystemAccount, body: MessageBody)
        throws(LocalDeliveryError)
    {
        if refusesRootDeliveries && geteuid() == 0 && Self.refusesRoot(delivery.method) {
            throw .permanent("MDA not allowed to deliver to: \(delivery.user)")
        }
        let original: [UInt8]
        do throws(QueueError) {
            original = try body.readAll()
        } catch {
            throw LocalDeliveryError(error)
        }
        if DeliveryHeaders.hasLoop(in: original, dest: delivery.dest) { throw .permanent("Loop detected") }
        let message = DeliveryHeaders.prefix(sender: delivery.sender, rcpt: delivery.rcpt) + original

        switch delivery.method {
        case .maildir:
            try maildir.deliver(message, to: delivery.target, junk: delivery.junk, subaddress: delivery.subaddress)
        case .mbox:
            try mbox.deliver(message, to: delivery.target, sender: delivery.sender, dotLock: true)
        case .file:
            try mbox.deliver(message, to: delivery.target, sender: delivery.sender, dotLock: false)
        case .mda, .pipe:
            let home = delivery.homeDirectory(of: account)
            // As OpenSMTPD: start in the home directory, or in / when it is missing or closed to the user.
            let directory = QueueFileSystem().isDirectory(home) && access(home, X_OK) == 0 ? home : "/"
            try command.run(
                delivery.target, message: message,
                environment: CommandEnvironment.variables(for: delivery, home: home), workingDirectory: directory)
        }
    }
}
