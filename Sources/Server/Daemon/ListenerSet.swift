import Logging
import NIOCore
import NIOSSL
import Transport

#if canImport(Glibc)
import Glibc
#endif

/// The bound listeners, keyed by everything that shapes them, so that a reload keeps the sockets it can keep:
/// a `listen on` line that did not change (nor its certificate files) keeps its socket and its sessions; a new
/// line is bound, a removed one closed, a changed one closed and bound again.
actor ListenerSet {
    struct Key: Hashable {
        var address: String
        var port: Int
        var endpoint: String
        /// Modification times and sizes of the pki files: a renewed certificate is a change.
        var tlsFiles: String
    }

    private var bound: [Key: SMTPListener] = [:]
    private var paused = false
    private let services: ReceiveServices
    private let portMap: [Int: Int]
    private let logger: Logger

    init(services: ReceiveServices, portMap: [Int: Int], logger: Logger) {
        self.services = services
        self.portMap = portMap
        self.logger = logger
    }

    var count: Int { bound.count }

    /// Binds what `endpoints` need and closes what they no longer name. On failure nothing new stays bound and
    /// what was closed for a change is bound again as it was.
    func apply(_ endpoints: [ListenerEndpoint]) async throws {
        var wanted: [Key: ListenerEndpoint] = [:]
        for endpoint in endpoints { wanted[key(endpoint)] = endpoint }
        let removed = bound.keys.filter { wanted[$0] == nil }
        let added = wanted.keys.filter { bound[$0] == nil }
        // Build every TLS context first: a bad key refuses the whole change before any socket moves.
        var contexts: [Key: NIOSSLContext] = [:]
        for key in added {
            if let tls = wanted[key]!.tls {
                do {
                    contexts[key] = try TLSContextFactory.makeServerContext(tls)
                } catch {
                    throw Daemon.StartError(description: "listen on \(wanted[key]!.displayName): \(error)")
                }
            }
        }
        var closed: [Key: SMTPListener] = [:]
        for key in removed {
            try? await bound[key]!.close()
            closed[key] = bound.removeValue(forKey: key)
        }
        var newlyBound: [Key] = []
        do {
            for key in added.sorted(by: { $0.endpoint < $1.endpoint }) {
                let endpoint = wanted[key]!
                bound[key] = try await bind(endpoint, port: key.port, context: contexts[key])
                newlyBound.append(key)
            }
        } catch {
            for key in newlyBound { try? await bound.removeValue(forKey: key)?.close() }
            for (key, _) in closed {
                if let endpoint = endpointByKey[key] {
                    bound[key] = try? await bind(endpoint, port: key.port,
                        context: endpoint.tls.flatMap { try? TLSContextFactory.makeServerContext($0) })
                }
            }
            throw error
        }
        for key in removed { endpointByKey[key] = nil }
        for key in newlyBound { endpointByKey[key] = wanted[key] }
        if paused { await setAccepting(false) }
    }

    /// The endpoint behind each bound key, to bind it again if a reload fails half-way.
    private var endpointByKey: [Key: ListenerEndpoint] = [:]

    private func bind(_ endpoint: ListenerEndpoint, port: Int, context: NIOSSLContext?) async throws -> SMTPListener {
        let policy = ReceivePolicy(listener: endpoint.listener, services: services)
        do {
            return try await SMTPListener.bind(host: endpoint.address, port: port, configuration: endpoint.session,
                tlsContext: context, policy: policy, logger: logger)
        } catch let error as IOError {
            throw Daemon.StartError(description:
                "listen on \(endpoint.displayName): \(String(cString: strerror(error.errnoCode)))")
        }
    }

    private func key(_ endpoint: ListenerEndpoint) -> Key {
        let port = portMap[endpoint.port] ?? endpoint.port
        var files = ""
        for pki in endpoint.tls?.pkis ?? [] {
            files += FileStamp.of(pki.certificateFile) + FileStamp.of(pki.keyFile)
        }
        if let ca = endpoint.tls?.caFile { files += FileStamp.of(ca) }
        return Key(address: endpoint.address, port: port, endpoint: "\(endpoint.listener)|\(endpoint.session)|\(String(describing: endpoint.tls))",
            tlsFiles: files)
    }

    /// `smtpctl pause smtp`: stop accepting (connections wait in the backlog); sessions in progress go on.
    func setAccepting(_ accepting: Bool) async {
        paused = !accepting
        for listener in bound.values {
            try? await listener.channel.setOption(ChannelOptions.autoRead, value: accepting).get()
        }
    }

    var isPaused: Bool { paused }

    func closeAll() async {
        for listener in bound.values { try? await listener.close() }
        bound.removeAll()
    }
}

/// A file's size and modification time, to notice a replaced certificate.
enum FileStamp {
    static func of(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "\(path):missing;" }
        return "\(path):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec);"
    }
}
