#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entry point of the delivery supervisor and worker processes, which are the smtpd binary itself started
/// with a hidden first argument. Call `runIfRequested` first thing in main, before parsing arguments.
public enum DeliveryWorkerProcess {
    static let supervisorFlag = "--tern-delivery-supervisor"
    static let workerFlag = "--tern-delivery-worker"
    /// Where a supervisor or worker finds its socket.
    static let socketDescriptor: Int32 = 3
    /// Where `mbox` deliveries go (RuleEngine's DeliveryPlanner writes `/var/mail/USER`).
    public static let defaultMailSpool = "/var/mail"

    /// Runs the supervisor or a worker and exits when `arguments` ask for one; returns at once otherwise.
    ///
    /// - `smtpd --tern-delivery-supervisor <idle seconds> <mail spool>`: the root supervisor (`DeliverySupervisor`);
    /// - `smtpd --tern-delivery-worker <uid> <gid> <groups>`: becomes that identity, then serves deliveries
    ///   (`DeliveryWorker`) until its socket closes.
    public static func runIfRequested(_ arguments: [String] = CommandLine.arguments) {
        guard arguments.count >= 2 else { return }
        let socket = SeqPacketSocket(descriptor: socketDescriptor)
        switch arguments[1] {
        case supervisorFlag:
            prepareProcess()
            let idle = arguments.count > 2 ? Double(arguments[2]) ?? 60 : 60
            let spool = arguments.count > 3 ? arguments[3] : defaultMailSpool
            DeliverySupervisor(
                daemon: socket, executable: ProcessSpawner.currentExecutable, idleTimeout: idle, mailSpool: spool
            ).run()
            exit(0)
        case workerFlag:
            guard let identity = WorkerIdentity(arguments: arguments.dropFirst(2)) else {
                DeliveryProcessLog.warn("delivery worker: bad arguments")
                exit(1)
            }
            if let problem = identity.adopt() {
                DeliveryProcessLog.warn("delivery worker: cannot become \(identity): \(problem)")
                exit(1)
            }
            prepareProcess()
            DeliveryWorker(socket: socket).run()
            exit(0)
        default:
            return
        }
    }

    /// Both roles: no terminal signals from the daemon's session, no SIGPIPE, and no working directory that
    /// could pin a mounted file system.
    private static func prepareProcess() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        _ = fcntl(socketDescriptor, F_SETFD, FD_CLOEXEC)
        _ = chdir("/")
    }
}
