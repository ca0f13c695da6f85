/// The queued envelope's `target` for method `relay`, as the daemon writes it from RuleEngine's `RelayRoute`:
/// `mx:<domain>`, `smarthost:<url>` or `domain:<url>`.
enum RelayRouteTarget: Sendable, Hashable {
    case mx(domain: String)
    /// A relay URL from `host <T>` or from `domain <T>`.
    case url(String)

    init?(_ target: String) {
        if target.hasPrefix("mx:") {
            self = .mx(domain: String(target.dropFirst(3)))
        } else if target.hasPrefix("smarthost:") {
            self = .url(String(target.dropFirst("smarthost:".count)))
        } else if target.hasPrefix("domain:") {
            self = .url(String(target.dropFirst("domain:".count)))
        } else {
            return nil
        }
    }
}
