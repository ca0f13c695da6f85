/// What the metrics endpoint answers, apart from any channel: `GET /metrics` (a query string is ignored) gets
/// the exposition, everything else a 404.
struct MetricsEndpoint {
    struct Response: Sendable, Equatable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    /// Prometheus's text format, version 0.0.4.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Whether a request for `uri` with `method` is a scrape.
    static func isScrape(method: String, uri: String) -> Bool {
        method == "GET" && uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first == "/metrics"
    }

    static func scrape(_ exposition: [UInt8]) -> Response {
        Response(status: 200, contentType: contentType, body: exposition)
    }

    static let notFound = Response(status: 404, contentType: "text/plain; charset=utf-8", body: Array("Not Found\n".utf8))
}
