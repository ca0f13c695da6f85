@_spi(TernInternal) import ConfParser

/// The entries of a static table read as regexes or as network addresses, made once on first use.
///
/// OpenSMTPD compiles a regex (and parses an address) for every entry it tries, on every lookup. Tern does it
/// once per table, but only when a lookup needs it: most tables are never searched as regexes, and a large
/// virtual table would waste time and memory if every entry were compiled at load.
final class CompiledEntryPatterns: Sendable {
    private let contents: TableContents
    private let regexes = LazyOnce<[TableRegex?]>()
    private let networks = LazyOnce<[NetAddress?]>()

    init(contents: TableContents) {
        self.contents = contents
    }

    /// Entry index → its compiled regex, nil when `regcomp` refuses it.
    var regexByEntry: [TableRegex?] {
        regexes.get {
            var regexes = [TableRegex?](repeating: nil, count: contents.indexLimit)
            for index in contents.indices { regexes[index] = TableRegex(pattern: contents.key(at: index)) }
            return regexes
        }
    }

    /// Entry index → its address, nil when it is not one.
    var networkByEntry: [NetAddress?] {
        networks.get {
            var networks = [NetAddress?](repeating: nil, count: contents.indexLimit)
            for index in contents.indices {
                networks[index] = contents.withKeyBytes(at: index) { NetAddress.parse($0) }
            }
            return networks
        }
    }
}
