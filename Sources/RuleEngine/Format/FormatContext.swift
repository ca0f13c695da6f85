/// The values a `%{…}` format can refer to: one delivery's envelope and the user it is delivered as.
///
/// This mirrors the two structures OpenSMTPD 6.8 hands to its expansion routine (`struct deliver` and
/// `struct userinfo`), so a template sees exactly what it would see under OpenSMTPD.
///
/// - SeeAlso: smtpd.conf(5), "FORMAT SPECIFIERS"; `smtpd-conf.md` §8.
public struct FormatContext: Sendable, Hashable {
    /// A mail address split at its `@`, as OpenSMTPD stores it. Both parts are empty for the null sender `<>`.
    public struct Address: Sendable, Hashable {
        public var user: String
        public var domain: String

        public init(user: String, domain: String) {
            self.user = user
            self.domain = domain
        }

        /// The null address `<>`: `%{sender}` expands to nothing and `%{mbox.from}` to `MAILER-DAEMON`.
        public static let null = Address(user: "", domain: "")
    }

    /// `%{sender}`: the envelope sender (MAIL FROM).
    public var sender: Address
    /// `%{rcpt}`: the recipient as the client gave it in RCPT TO, before any alias or virtual expansion.
    public var rcpt: Address
    /// `%{dest}`: the address this delivery is for, after alias and virtual expansion.
    public var dest: Address
    /// `%{user.username}`: the local user the delivery runs as.
    public var userName: String
    /// `%{user.directory}`, and the home that a leading `~/` stands for.
    public var userDirectory: String
    /// `%{mda}`: the already expanded MDA command, set only while expanding an `mda wrapper`.
    ///
    /// OpenSMTPD 6.8 crashes the delivery process when `%{mda}` is used anywhere else; Tern refuses the
    /// expansion instead.
    public var mdaCommand: String?
    /// What `:strip` cuts at (`smtp sub-addr-delim`, `+` unless configured).
    public var subaddressDelimiter: Character

    public init(
        sender: Address,
        rcpt: Address,
        dest: Address,
        userName: String,
        userDirectory: String,
        mdaCommand: String? = nil,
        subaddressDelimiter: Character = "+"
    ) {
        self.sender = sender
        self.rcpt = rcpt
        self.dest = dest
        self.userName = userName
        self.userDirectory = userDirectory
        self.mdaCommand = mdaCommand
        self.subaddressDelimiter = subaddressDelimiter
    }
}
