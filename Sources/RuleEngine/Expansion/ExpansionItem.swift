/// One element of an alias, virtual or .forward value, classified as OpenSMTPD's `text_to_expandnode` does.
///
/// The case order is OpenSMTPD's `enum expand_type`, and `<` sorts as its `expand_cmp` does (kind, then bytes),
/// because the elements of one table value are expanded in that sorted order, not in the order written.
enum ExpansionItem: Sendable, Hashable, Comparable {
    /// A local user name (letters, digits, `_ . - +`): aliases and the userbase are asked about it.
    case username(String)
    /// `/absolute/file`: append to the file in mbox format.
    case filename(String)
    /// `|command` or `"|command"`: pipe to the command.
    case filter(String)
    /// `:include:/path` or `include:/path`: more elements, read from the file.
    case include(String)
    /// `user@domain`: a new address, routed through the rules again.
    case address(MailAddress)
    /// `error:CODE TEXT` or `:error:CODE TEXT`: refuse the recipient with this text.
    case error(String)

    var kindOrder: Int {
        switch self {
        case .username: 1
        case .filename: 2
        case .filter: 3
        case .include: 4
        case .address: 5
        case .error: 6
        }
    }

    /// The bytes `expand_cmp` compares with memcmp: the user then the domain of an address, the text otherwise.
    var sortBytes: [[UInt8]] {
        switch self {
        case .username(let text), .filename(let text), .filter(let text), .include(let text), .error(let text):
            [Array(text.utf8)]
        case .address(let address):
            [Array(address.user.utf8), Array(address.domain.utf8)]
        }
    }

    static func < (lhs: ExpansionItem, rhs: ExpansionItem) -> Bool {
        if lhs.kindOrder != rhs.kindOrder { return lhs.kindOrder < rhs.kindOrder }
        return lhs.sortBytes.lexicographicallyPrecedes(rhs.sortBytes) { $0.lexicographicallyPrecedes($1) }
    }

    /// How the element reads in traces: as it would be written in an aliases file.
    var displayText: String {
        switch self {
        case .username(let user): user
        case .filename(let path): path
        case .filter(let command): "|" + command
        case .include(let path): ":include:" + path
        case .address(let address): address.text
        case .error(let text): "error:" + text
        }
    }
}
