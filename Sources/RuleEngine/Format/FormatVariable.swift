/// The names a `%{…}` token can use (compared without regard to ASCII case, as `strcasecmp` does).
enum FormatVariable: String, CaseIterable, Sendable {
    case sender
    case senderUser = "sender.user"
    case senderDomain = "sender.domain"
    case rcpt
    case rcptUser = "rcpt.user"
    case rcptDomain = "rcpt.domain"
    case dest
    case destUser = "dest.user"
    case destDomain = "dest.domain"
    case userName = "user.username"
    case userDirectory = "user.directory"
    case mboxFrom = "mbox.from"
    case mda

    /// Looks a token name up. Only ASCII letters fold, so that no Unicode rule can make a name match that
    /// OpenSMTPD would refuse.
    init?(name: ArraySlice<UInt8>) {
        let folded = name.map { FormatBytes.lowercased($0) }
        guard let match = Self.allCases.first(where: { Array($0.rawValue.utf8) == folded }) else { return nil }
        self = match
    }

    /// Whether the value is rewritten to be shell-safe (see `FormatBytes.sanitized`). A home directory and the
    /// wrapped command are the administrator's own text and are passed through untouched.
    var isSanitized: Bool { self != .userDirectory && self != .mda }

    /// Whether the value comes from the message's envelope, that is from whoever sent the mail, and so must not be
    /// trusted to shape a file system path.
    var isFromEnvelope: Bool {
        switch self {
        case .userName, .userDirectory, .mda: false
        default: true
        }
    }

    /// The raw value, before modifiers, sanitizing and slicing; `nil` for `%{mda}` outside a wrapper.
    func value(in context: FormatContext) -> [UInt8]? {
        switch self {
        case .sender: Self.fullAddress(context.sender, whenNull: "")
        case .senderUser: Array(context.sender.user.utf8)
        case .senderDomain: Array(context.sender.domain.utf8)
        case .rcpt: Self.fullAddress(context.rcpt, whenNull: "")
        case .rcptUser: Array(context.rcpt.user.utf8)
        case .rcptDomain: Array(context.rcpt.domain.utf8)
        case .dest: Self.fullAddress(context.dest, whenNull: "")
        case .destUser: Array(context.dest.user.utf8)
        case .destDomain: Array(context.dest.domain.utf8)
        case .userName: Array(context.userName.utf8)
        case .userDirectory: Array(context.userDirectory.utf8)
        case .mboxFrom: Self.fullAddress(context.sender, whenNull: "MAILER-DAEMON")
        case .mda: context.mdaCommand.map { Array($0.utf8) }
        }
    }

    /// `user@domain`, or `whenNull` when both parts are empty (OpenSMTPD tests the joined text against `"@"`).
    private static func fullAddress(_ address: FormatContext.Address, whenNull: String) -> [UInt8] {
        if address.user.isEmpty && address.domain.isEmpty { return Array(whenNull.utf8) }
        return Array(address.user.utf8) + [UInt8(ascii: "@")] + Array(address.domain.utf8)
    }
}
