// Rule evaluations per second for a configuration of 200 match rules. Built and run by scripts/bench/ruleset.sh
// against a release build of the RuleEngine module.
//
// The configuration mixes the criteria real ones use: 199 rules for one domain each (`for domain "dN.example"`),
// every fourth also restricted to a client network (`from src <nets>`), every fifth to a sender domain
// (`mail-from`), every seventh needing authentication, then a final `match from any for any` relay rule. The tables
// are the configuration's real ones (`TableSet`: inline tables, and the built-in <anyhost> and friends); a second
// run uses `LeanTables`, minimal in-memory tables, to show what the rule engine itself costs.
import ConfParser
import RuleEngine

#if canImport(Glibc)
import Glibc
#endif

/// Minimal in-memory tables (exact strings, IPv4 CIDR parsed once, `*` for domains), to tell the rule engine's own
/// cost from the tables'.
struct LeanTable: LookupTable {
    let name: String
    let entries: [String]
    let networks: [(UInt32, UInt32)]
    let matchesAnyIPv6: Bool

    init(name: String, entries: [String]) {
        self.name = name
        self.entries = entries.map { $0.lowercased() }
        var networks: [(UInt32, UInt32)] = []
        var anyIPv6 = false
        for entry in entries {
            let parts = entry.split(separator: "/")
            guard parts.count == 2, let bits = Int(parts[1]) else { continue }
            var network = in_addr()
            if inet_pton(AF_INET, String(parts[0]), &network) == 1 {
                let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
                networks.append((UInt32(bigEndian: network.s_addr) & mask, mask))
            } else if bits == 0 {
                anyIPv6 = true
            }
        }
        self.networks = networks
        self.matchesAnyIPv6 = anyIPv6
    }

    func lookup(_ service: TableService, key: String) throws(TableLookupError) -> String? { nil }

    func match(_ service: TableService, key: String) throws(TableLookupError) -> Bool {
        var hasUpper = false
        for byte in key.utf8 where byte >= 65 && byte <= 90 {
            hasUpper = true
            break
        }
        let key = hasUpper ? key.lowercased() : key
        switch service {
        case .netaddr:
            if entries.contains(key) { return true }
            if key.hasPrefix("[") { return matchesAnyIPv6 }
            var address = in_addr()
            guard !networks.isEmpty, inet_pton(AF_INET, key, &address) == 1 else { return false }
            let value = UInt32(bigEndian: address.s_addr)
            return networks.contains { value & $0.1 == $0.0 }
        case .domain:
            return entries.contains { $0 == "*" || $0 == key }
        case .mailaddr:
            return entries.contains { $0.hasPrefix("@") ? key.hasSuffix($0) : $0 == key }
        default:
            return entries.contains(key)
        }
    }

    func fetchAll(_ service: TableService) throws(TableLookupError) -> [String] { entries }
}

struct LeanTables: TableProvider {
    let named: [String: LeanTable]

    func table(for reference: TableRef) -> any LookupTable {
        switch reference {
        case .named(let name): named[name] ?? LeanTable(name: name, entries: [])
        case .inline(.list(let values)): LeanTable(name: "{inline}", entries: values)
        case .inline(.mapping(let pairs)): LeanTable(name: "{inline}", entries: pairs.map(\.key))
        case .string(let value): LeanTable(name: value, entries: [value])
        }
    }

    func table(named name: String) -> (any LookupTable)? { named[name] }
}

struct NoFiles: ParserEnvironment {
    func interfaceAddresses(_ name: String) -> [String]? { nil }
    func resolveHost(_ name: String) -> [String]? { nil }
    func servicePort(_ name: String) -> Int? { nil }
    func hasTableHelper(_ backend: String) -> Bool { false }
    func loadStaticTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        .failure(TableLoadError(logLines: [], path: path, line: nil, reason: "no files"))
    }
    func loadDBTable(path: String) -> Result<TableLoadResult, TableLoadError> { loadStaticTable(path: path) }
}

let ruleCount = 200
var text = """
    table nets { 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 }
    action "local" mbox
    action "relay" relay

    """
for i in 0..<(ruleCount - 1) {
    var criteria = ""
    if i % 4 == 0 { criteria += " from src <nets>" } else { criteria += " from any" }
    criteria += " for domain \"d\(i).example\""
    if i % 5 == 0 { criteria += " mail-from \"@example.net\"" }
    if i % 7 == 0 { criteria += " auth" }
    text += "match\(criteria) action \"local\"\n"
}
text += "match from any for any action \"relay\"\n"

let parsed = ConfigParser.parse(
    path: "bench.conf", reader: InMemorySourceReader(files: ["bench.conf": text]), environment: NoFiles())
guard let config = parsed.config, !parsed.failed else {
    print("the benchmark configuration does not parse: \(parsed.diagnostics.map(\.message))")
    exit(1)
}
precondition(config.rules.count == ruleCount)
let realTables = TableSet(
    config: config, loadedTables: parsed.loadedTables,
    localHost: LocalHostIdentity(serverName: "mail.example.org", addresses: ["127.0.0.1", "::1"]))
let leanTables = LeanTables(named: [
    "nets": LeanTable(name: "nets", entries: ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]),
    "<anyhost>": LeanTable(name: "<anyhost>", entries: ["local", "0.0.0.0/0", "::/0"]),
    "<localhost>": LeanTable(name: "<localhost>", entries: ["local", "127.0.0.1", "[::1]"]),
    "<localnames>": LeanTable(name: "<localnames>", entries: ["localhost", "mail.example.org"]),
    "<anydestination>": LeanTable(name: "<anydestination>", entries: ["*"]),
    "<getpwnam>": LeanTable(name: "<getpwnam>", entries: []),
])

let session = SessionFacts(clientAddress: "192.0.2.10", helo: "client.example.net", authenticatedUser: "joe")
let sender = MailAddress(user: "someone", domain: "example.net")
/// Recipients for every rule: index 199 goes to the last (catch-all) rule.
let queries = (0..<ruleCount).map { i in
    RuleQuery(request: RecipientRequest(
        session: session, sender: sender,
        rcpt: MailAddress(user: "user\(i)", domain: i < ruleCount - 1 ? "d\(i).example" : "elsewhere.example")))
}

func measure(_ ruleset: Ruleset, _ label: String, _ pick: (Int) -> RuleQuery, iterations: Int) {
    var checksum = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for n in 0..<iterations {
            if case .accept(let index, _) = ruleset.evaluate(pick(n)) { checksum &+= index }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(iterations) / seconds
    let each = (seconds * 1e7 / Double(iterations)).rounded() / 10
    print("  " + label.padding(38) + String(Int(rate)).leftPadding(10) + " evaluations/s  (\(each) µs each)")
    precondition(checksum >= 0)
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 100_000
print("\(ruleCount) rules, \(iterations) evaluations per line")
for (name, ruleset) in [
    ("real tables (TableSet)", try Ruleset(config: config, tables: realTables)),
    ("lean in-memory tables", try Ruleset(config: config, tables: leanTables)),
] {
    print(name + ":")
    measure(ruleset, "recipients spread over all rules", { queries[$0 % ruleCount] }, iterations: iterations)
    measure(ruleset, "recipient matching the last rule", { _ in queries[ruleCount - 1] }, iterations: iterations)
    measure(ruleset, "recipient matching the first rule", { _ in queries[0] }, iterations: iterations)
}
