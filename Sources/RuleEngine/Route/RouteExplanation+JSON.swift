extension RouteExplanation {
    /// One JSON object, keys in a fixed order, and fields that do not apply left out:
    /// `{"decision", "line", "action", "reply", "deliveries": [{"rcpt", "dest", "method", "path", "command",
    /// "host", "user"}]}`. Besides those, a relay to MX hosts gives `"mx"` (the domain), and `"reason"`,
    /// `"rule"`, `"runs_as"`, `"extension"` and `"note"` appear when they have something to say.
    public var json: String {
        var object = JSONObject()
        object.add("decision", decision.rawValue)
        object.add("line", line)
        object.add("rule", ruleText)
        object.add("action", action)
        object.add("reply", reply)
        object.add("reason", decision == .accept ? nil : reason)
        var items: [String] = []
        for delivery in deliveries {
            var item = JSONObject()
            item.add("rcpt", delivery.rcpt)
            item.add("dest", delivery.dest)
            item.add("method", delivery.method)
            item.add("path", delivery.path)
            item.add("command", delivery.command)
            item.add("host", delivery.host)
            item.add("mx", delivery.mx)
            item.add("user", delivery.user)
            item.add("runs_as", delivery.runsAs)
            item.add("extension", delivery.subaddress)
            item.add("note", delivery.note)
            items.append(item.text)
        }
        object.addRaw("deliveries", "[" + items.joined(separator: ", ") + "]")
        return object.text
    }
}

/// Just enough JSON writing for `smtpctl route --json`, without Foundation.
struct JSONObject {
    private var members: [String] = []

    mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        addRaw(key, Self.quoted(value))
    }

    mutating func add(_ key: String, _ value: Int?) {
        guard let value else { return }
        addRaw(key, String(value))
    }

    mutating func addRaw(_ key: String, _ json: String) {
        members.append(Self.quoted(key) + ": " + json)
    }

    var text: String { "{" + members.joined(separator: ", ") + "}" }

    /// A JSON string: quotes, backslashes and control characters escaped; everything else as UTF-8.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
