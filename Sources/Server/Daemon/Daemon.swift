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
    }

    /// Runs until a shutdown signal; throws when it cannot start.
    public static func run(_ options: DaemonOptions) async throws {
        let logger = Logger(label: "smtpd")
        let configuration: RunningConfiguration
        do {
            configuration = try RunningConfiguration.load(path: options.configPath, macros: options.macros)
        } catch {
            throw StartError(description: error.description)
        }
        let queue = FSQueue(directory: options.queueDirectory)
        let queued: [QueuedEnvelope]
        do {
            try makeDirectory(parentOf: options.socketPath)
            queued = try await queue.loadAll().envelopes
        } catch {
            throw StartError(description: "queue \(options.queueDirectory): \(error)")
        }
        let store = ConfigurationStore(configuration)
        let services = ReceiveServices(store: store, queue: queue, limits: options.limits, logger: logger) { _ in }
        let listeners = try await bindListeners(configuration, options: options, services: services, logger: logger)
        try Privileges.dropIfRoot(to: options.user, owning: [options.queueDirectory])
        logger.info("info: Tern \(ServerDefaults.version) starting: \(listeners.count) listeners, \(queued.count) envelopes in queue")

        let group = ServiceGroup(configuration: .init(
            services: [.init(service: ListenerService(listeners: listeners, logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        logger.info("info: Tern exiting")
    }

    static func bindListeners(_ configuration: RunningConfiguration, options: DaemonOptions,
        services: ReceiveServices, logger: Logger) async throws -> [SMTPListener]
    {
        let endpoints: [ListenerEndpoint]
        do {
            endpoints = try ListenerPlan.endpoints(for: configuration)
        } catch {
            throw StartError(description: error.description)
        }
        var listeners: [SMTPListener] = []
        var contexts: [String: NIOSSLContext] = [:]
        do {
            for endpoint in endpoints {
                var context: NIOSSLContext?
                if let tls = endpoint.tls {
                    let key = "\(tls)"
                    if contexts[key] == nil { contexts[key] = try TLSContextFactory.makeServerContext(tls) }
                    context = contexts[key]
                }
                let port = options.portMap[endpoint.port] ?? endpoint.port
                let policy = ReceivePolicy(listener: endpoint.listener, services: services)
                do {
                    listeners.append(try await SMTPListener.bind(host: endpoint.address, port: port,
                        configuration: endpoint.session, tlsContext: context, policy: policy, logger: logger))
                } catch let error as IOError {
                    throw StartError(description:
                        "listen on \(endpoint.displayName): \(String(cString: strerror(error.errnoCode)))")
                } catch {
                    throw StartError(description: "listen on \(endpoint.displayName): \(error)")
                }
            }
            var local = SMTPSessionConfiguration(serverName: configuration.localHost.serverName)
            local.addsMissingHeaders = true
            local.dsn = !(configuration.config.socketListener?.noDSN ?? false)
            local.maskSource = configuration.config.socketListener?.maskSource ?? false
            let socketPolicy = ReceivePolicy(listener: .init(interface: "socket"), services: services)
            do {
                listeners.append(try await SMTPListener.bind(unixSocket: options.socketPath, configuration: local,
                    policy: socketPolicy, logger: logger))
            } catch {
                throw StartError(description: "socket \(options.socketPath): \(error)")
            }
            chmod(options.socketPath, 0o666)
        } catch {
            for listener in listeners { try? await listener.close() }
            throw error
        }
        return listeners
    }

    static func makeDirectory(parentOf path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw StartError(description: "mkdir \(directory): \(String(cString: strerror(errno)))")
        }
    }
}

/// Keeps the listeners open until shutdown, then stops accepting; sessions in progress finish on their own.
struct ListenerService: Service {
    let listeners: [SMTPListener]
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        for listener in listeners { try? await listener.close() }
    }
}
