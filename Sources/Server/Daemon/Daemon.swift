import ConfParser
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import RuleEngine
import ServiceLifecycle
import Transport
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// The running mail server: loads the configuration as `smtpd -n` checks it, opens the queue, binds every
/// listener and the local socket, drops root, and serves until SIGTERM or SIGINT.
public enum Daemon {
    public struct StartError: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// The configuration check's own lines (`file:line: …`), printed as `smtpd -n` prints them.
        public var isConfigurationDiagnostic = false
    }

    /// Runs until a shutdown signal; throws when it cannot start.
    public static func run(_ options: DaemonOptions) async throws {
        let logger = Logger(label: "smtpd")
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let configuration: RunningConfiguration
        do {
            configuration = try RunningConfiguration.load(path: options.configPath, macros: options.macros)
        } catch {
            throw StartError(description: error.description, isConfigurationDiagnostic: true)
        }
        // A few message directories made ahead of MAIL FROM: enough for a burst of sessions while the
        // background thread makes more. The queue is this daemon's alone while it runs.
        let queue = FSQueue(directory: options.queueDirectory, spareMessages: FSQueue.daemonSpareMessages, exclusive: true)
        let scan: QueueScan
        do {
            try makeDirectory(parentOf: options.socketPath)
            try makeDirectory(parentOf: options.controlSocketPath)
            scan = try await queue.loadAll()
        } catch {
            throw StartError(description: "queue \(options.queueDirectory): \(error)")
        }
        for (path, reason) in scan.corrupt { logger.warning("warn: queue: moved aside \(path): \(reason)") }
        if scan.restoredFromJournal > 0 {
            logger.info("info: queue: \(scan.restoredFromJournal) messages made whole again from the commit journal after a restart of the machine")
        }
        if scan.checkedBodies > 0 {
            logger.info("info: queue: \(scan.checkedBodies) message bodies checked against their envelopes after a restart of the machine")
        }
        let store = ConfigurationStore(configuration)
        let agents: DeliveryAgents
        do {
            agents = try DeliveryAgents(store: store, mxPort: options.mxPort, logger: logger)
        } catch {
            throw StartError(description: "delivery supervisor: \(error)")
        }
        let handOff = Locked<Scheduler?>(nil)
        let onCommit: @Sendable (CommittedMessage) async -> Void = { committed in
            handOff.withLock { $0 }?.submit(committed)
        }
        let scheduler = Scheduler(
            queue: queue, agents: { agents.agent(for: $0) },
            bounces: DaemonBounceSubmitter(store: store, queue: queue, logger: logger, onCommit: onCommit),
            reportingHost: configuration.localHost.serverName,
            settings: {
                var settings = SchedulerSettings(globals: configuration.config.options)
                settings.methodsLoggingThemselves = DeliveryAgents.selfLoggingMethods
                return settings
            }(), logger: logger)
        handOff.withLock { $0 = scheduler }
        await scheduler.load(scan.envelopes)
        for paused in options.paused {
            if let deliveryClass = DeliveryClass(rawValue: paused) { await scheduler.pause(deliveryClass) }
        }

        let services = ReceiveServices(store: store, queue: queue, limits: options.limits, logger: logger,
            queueBacklog: { scheduler.queuedEnvelopes }, onCommit: onCommit)
        let metrics = try await MetricsService.start(options.metricsAddress, scheduler: scheduler, services: services, logger: logger)
        let listeners = ListenerSet(services: services, portMap: options.portMap, logger: logger)
        let endpoints: [ListenerEndpoint]
        do {
            endpoints = try ListenerPlan.endpoints(for: configuration, idleTimeout: options.limits.idleTimeout)
        } catch {
            throw StartError(description: error.description)
        }
        try await listeners.apply(endpoints)
        let socket = try await bindLocalSocket(configuration, options: options, services: services, logger: logger)
        let runtime = DaemonRuntime(options: options, store: store, queue: queue, services: services,
            scheduler: scheduler, listeners: listeners, logger: logger)
        let control: ControlServer
        do {
            control = try await ControlServer.bind(path: options.controlSocketPath, responder: DaemonControl(runtime: runtime))
        } catch {
            await listeners.closeAll()
            try? await socket.close()
            throw StartError(description: "control socket \(options.controlSocketPath): \(error)")
        }
        if options.paused.contains("smtp") { await listeners.setAccepting(false) }
        do {
            try Privileges.dropIfRoot(to: options.user, owning: [options.queueDirectory])
        } catch {
            await listeners.closeAll()
            try? await socket.close()
            await control.close()
            throw error
        }
        let listenerCount = await listeners.count
        logger.info("info: Tern \(ServerDefaults.version) starting: \(listenerCount) listeners, \(scan.envelopes.count) envelopes in queue")

        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: ListenerService(runtime: runtime, socket: socket, control: control, hangups: hangups)),
                .init(service: SchedulerService(scheduler: scheduler), successTerminationBehavior: .gracefullyShutdownGroup),
            ] + (metrics.map { [.init(service: $0)] } ?? []),
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            await agents.shutdown()
            throw error
        }
        await agents.shutdown()
        logger.info("info: Tern exiting")
    }

    static func bindLocalSocket(_ configuration: RunningConfiguration, options: DaemonOptions,
        services: ReceiveServices, logger: Logger) async throws -> SMTPListener
    {
        var local = SMTPSessionConfiguration(serverName: configuration.localHost.serverName)
        local.idleTimeout = .seconds(options.limits.idleTimeout)
        local.addsMissingHeaders = true
        local.dsn = !(configuration.config.socketListener?.noDSN ?? false)
        local.maskSource = configuration.config.socketListener?.maskSource ?? false
        let policy = ReceivePolicy(listener: .init(interface: "socket"), services: services)
        do {
            let listener = try await SMTPListener.bind(unixSocket: options.socketPath, configuration: local,
                policy: policy, logger: logger)
            chmod(options.socketPath, 0o666)
            return listener
        } catch {
            throw StartError(description: "socket \(options.socketPath): \(error)")
        }
    }

    static func makeDirectory(parentOf path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw StartError(description: "mkdir \(directory): \(String(cString: strerror(errno)))")
        }
    }
}

/// Keeps the listeners open until shutdown, reloading on SIGHUP; then stops accepting and tells the scheduler
/// to finish (deliveries in flight record their outcomes first). Sessions in progress end on their own.
struct ListenerService: Service {
    let runtime: DaemonRuntime
    let socket: SMTPListener
    let control: ControlServer
    /// Trapped before the first socket was bound: a SIGHUP that comes early must reload, not kill.
    let hangups: UnixSignalsSequence

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups { _ = await runtime.reload() }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await runtime.listeners.closeAll()
        try? await socket.close()
        await control.close()
    }
}

/// The scheduler until shutdown: cancelling its run lets the deliveries in flight record their outcomes first.
struct SchedulerService: Service {
    let scheduler: Scheduler

    func run() async throws {
        await cancelWhenGracefulShutdown { await scheduler.run() }
    }
}
