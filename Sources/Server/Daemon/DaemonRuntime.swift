import Logging

/// Everything a running daemon holds, for the control socket and reload.
final class DaemonRuntime: Sendable {
    let options: DaemonOptions
    let store: ConfigurationStore
    let queue: FSQueue
    let services: ReceiveServices
    let scheduler: Scheduler
    let listeners: ListenerSet
    let logger: Logger
    let started = UnixTime.now()

    init(options: DaemonOptions, store: ConfigurationStore, queue: FSQueue, services: ReceiveServices,
        scheduler: Scheduler, listeners: ListenerSet, logger: Logger)
    {
        self.options = options
        self.store = store
        self.queue = queue
        self.services = services
        self.scheduler = scheduler
        self.listeners = listeners
        self.logger = logger
    }

    /// SIGHUP and `smtpctl reload`: the whole configuration, read and checked as at start-up, then swapped in
    /// with the listeners it names. A configuration that does not load changes nothing.
    func reload() async -> Result<Void, ConfigurationLoadError> {
        let fresh: RunningConfiguration
        do {
            fresh = try RunningConfiguration.load(path: options.configPath, macros: options.macros)
            try await listeners.apply(try ListenerPlan.endpoints(for: fresh, idleTimeout: options.limits.idleTimeout))
        } catch let error as ConfigurationLoadError {
            logger.warning("warn: reload refused, the running configuration stays: \(error.lines.joined(separator: "; "))")
            return .failure(error)
        } catch {
            logger.warning("warn: reload refused, the running configuration stays: \(error)")
            return .failure(ConfigurationLoadError(lines: ["\(error)"]))
        }
        store.replace(with: fresh)
        logger.info("info: configuration reloaded from \(options.configPath)")
        return .success(())
    }

    /// `smtpctl update table NAME`: the table read again; the old contents stay if it does not read.
    func updateTable(named name: String) -> Result<[String], TableUpdateError> {
        do {
            let (updated, warnings) = try store.configuration.reloadingTable(named: name)
            store.replace(with: updated)
            logger.info("info: table \(name) updated")
            return .success(warnings)
        } catch {
            logger.warning("warn: table \(name) not updated, the old contents stay: \(error)")
            return .failure(TableUpdateError(description: "\(error)"))
        }
    }
}

/// Why `smtpctl update table` left a table as it was.
struct TableUpdateError: Error, CustomStringConvertible {
    var description: String
}
