import Foundation
import Logging
import Prometheus
import Testing
@testable import Server

/// The endpoint over a real loopback socket: `GET /metrics` gets the registry's text after the observer ran,
/// anything else a 404; a port in use is a start error that names the address.
@Suite("Metrics endpoint")
struct MetricsServiceTests {
    /// One HTTP/1.1 request over a plain socket; returns everything the server sent before it closed.
    static func request(_ text: String, port: Int) async -> String {
        await BlockingWork.run {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return "" }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { return "" }
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += buffer[..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }
    }

    @Test func scrapeAnswersWithTheExpositionAndOtherPathsWith404() async throws {
        let registry = PrometheusCollectorRegistry()
        let instruments = TernInstruments(factory: PrometheusMetricsFactory(registry: registry))
        instruments.bounceQueued()
        let observed = Locked(0)
        let service = try await MetricsService.bind(MetricsAddress(host: "127.0.0.1", port: 0), registry: registry,
            observe: {
                let count = observed.withLock { $0 += 1; return $0 }
                instruments.observe(activeSessions: count, queue: SchedulerStats())
            }, logger: Logger(label: "test"))
        let running = Task { try await service.run() }

        let scrape = await Self.request("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n", port: service.boundPort)
        let parts = scrape.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(scrape)")
        #expect(head.lowercased().contains("content-type: text/plain; version=0.0.4; charset=utf-8"))
        let body = parts.dropFirst().joined(separator: "\r\n\r\n")
        #expect(head.lowercased().contains("content-length: \(body.utf8.count)"))
        #expect(body.contains("# TYPE tern_bounces_total counter\ntern_bounces_total 1\n"), "\(body)")
        #expect(body.contains("# TYPE tern_smtp_sessions_active gauge\ntern_smtp_sessions_active 1.0\n"), "\(body)")

        let second = await Self.request("GET /metrics HTTP/1.0\r\n\r\n", port: service.boundPort)
        #expect(second.contains("tern_smtp_sessions_active 2.0\n"), "\(second)")

        for request in ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi",
            "GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n"]
        {
            let answer = await Self.request(request, port: service.boundPort)
            #expect(answer.hasPrefix("HTTP/1.1 404 Not Found\r\n"), "\(request): \(answer)")
        }
        #expect(observed.withLock { $0 } == 2)

        running.cancel()
        try await running.value
        // Closed: the connection is refused, so nothing comes back.
        #expect(await Self.request("GET /metrics HTTP/1.0\r\n\r\n", port: service.boundPort) == "")
    }

    @Test func portInUseIsAStartErrorNamingTheAddress() async throws {
        let registry = PrometheusCollectorRegistry()
        let first = try await MetricsService.bind(MetricsAddress(host: "127.0.0.1", port: 0), registry: registry,
            logger: Logger(label: "test"))
        let address = MetricsAddress(host: "127.0.0.1", port: first.boundPort)
        await #expect {
            _ = try await MetricsService.bind(address, registry: registry, logger: Logger(label: "test"))
        } throws: { error in
            "\(error)" == "metrics 127.0.0.1:\(first.boundPort): cannot listen: Address already in use"
        }
        await first.close()
    }
}
