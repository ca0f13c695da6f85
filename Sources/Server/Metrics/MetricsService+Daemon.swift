import Logging
import Prometheus

extension MetricsService {
    /// The daemon's endpoint, nil when `address` is nil (metrics off): makes a Prometheus registry swift-metrics'
    /// backend, then binds. Each scrape first reads the gauges that are not counted at event points: sessions
    /// open now, and the scheduler's envelopes.
    static func start(_ address: MetricsAddress?, scheduler: Scheduler, services: ReceiveServices,
        logger: Logger) async throws -> MetricsService?
    {
        guard let address else { return nil }
        let registry = PrometheusCollectorRegistry()
        TernMetrics.bootstrap(PrometheusMetricsFactory(registry: registry))
        let service = try await bind(address, registry: registry, observe: {
            TernMetrics.observe(activeSessions: services.sessions.count, queue: await scheduler.stats())
        }, logger: logger)
        logger.info("info: metrics on http://\(MetricsAddress(host: address.host, port: service.boundPort))/metrics")
        return service
    }
}
