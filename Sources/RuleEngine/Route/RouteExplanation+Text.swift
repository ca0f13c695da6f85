extension RouteExplanation {
    /// The explanation for a terminal: the decision first, then the deliveries, then the steps that led there.
    public var text: String {
        var lines: [String] = []
        lines.append("session:   \(session)")
        if let ruleNumber {
            let place = line.map { "line \($0)" } ?? "rule \(ruleNumber)"
            lines.append("rule:      \(place): \(ruleText ?? "")")
        } else {
            lines.append("rule:      no rule matched")
        }
        if let action { lines.append("action:    \(action)") }
        lines.append("decision:  \(decision.rawValue)" + (reply.map { " (\($0))" } ?? ""))
        if let reason, decision != .accept { lines.append("reason:    \(reason)") }
        if !deliveries.isEmpty {
            lines.append("deliveries:")
            for delivery in deliveries { lines += Self.lines(delivery) }
        }
        if !steps.isEmpty {
            lines.append("expansion:")
            lines += steps.map { "  " + $0.description }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func lines(_ delivery: Delivery) -> [String] {
        var target = delivery.method
        if let path = delivery.path { target += " " + path }
        if let command = delivery.command { target += " \"" + command + "\"" }
        if let host = delivery.host { target += " via " + host }
        if let mx = delivery.mx { target += " to the MX hosts of " + mx }
        var details: [String] = []
        if let user = delivery.user { details.append("user " + user) }
        if let runsAs = delivery.runsAs { details.append("runs as " + runsAs) }
        if let subaddress = delivery.subaddress { details.append("extension " + subaddress) }
        var lines = ["  \(delivery.dest): \(target)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")]
        if let note = delivery.note { lines.append("    note: \(note)") }
        return lines
    }
}
