/// One local delivery: the envelope fields a maildir, mbox, file, mda or pipe delivery needs, checked once so that
/// the writers never see a method they do not know. Built from a `QueuedEnvelope`; the worker protocol carries it
/// between processes.
public struct LocalDelivery: Sendable, Hashable {
    /// The five local methods (`Delivery` in RuleEngine, minus LMTP and relay, which are not local).
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// `maildir [path] [junk]`: target is the maildir.
        case maildir
        /// `mbox`: target is the mailbox file, /var/mail/USER.
        case mbox
        /// `mda "command"`: target is the command line.
        case mda
        /// An alias or .forward entry `/path`: target is the file, appended in mbox format.
        case file
        /// An alias or .forward entry `|command`: target is the command line.
        case pipe

        /// Methods that run a command rather than write a file.
        var runsCommand: Bool { self == .mda || self == .pipe }
    }

    public var method: Method
    public var target: String
    /// `maildir … junk`.
    public var junk: Bool
    /// The local user (`%{user.username}`): the MDA's USER and LOGNAME.
    public var user: String
    /// The system user whose uid the delivery runs as.
    public var deliveryUser: String
    /// The user's directory from the userbase; the MDA's HOME when the delivery runs as the user itself.
    public var home: String?
    /// The +tag: the MDA's EXTENSION, and the maildir++ folder tried first.
    public var subaddress: String?
    /// The envelope sender; empty for `<>`.
    public var sender: String
    public var rcpt: String
    public var dest: String
    /// For log and error texts only.
    public var envelopeID: String

    public init(
        method: Method, target: String, junk: Bool = false, user: String, deliveryUser: String? = nil,
        home: String? = nil, subaddress: String? = nil, sender: String, rcpt: String, dest: String,
        envelopeID: String = ""
    ) {
        self.method = method
        self.target = target
        self.junk = junk
        self.user = user
        self.deliveryUser = deliveryUser ?? user
        self.home = home
        self.subaddress = subaddress
        self.sender = sender
        self.rcpt = rcpt
        self.dest = dest
        self.envelopeID = envelopeID
    }

    /// Nil when the envelope is not a local delivery (LMTP, relay) or names no user.
    public init?(_ envelope: QueuedEnvelope) {
        guard let method = Method(rawValue: envelope.method),
            let user = envelope.user ?? envelope.deliveryUser
        else { return nil }
        self.init(
            method: method, target: envelope.target, junk: envelope.junk, user: user,
            deliveryUser: envelope.deliveryUser, home: envelope.home, subaddress: envelope.subaddress,
            sender: envelope.sender, rcpt: envelope.rcpt, dest: envelope.dest,
            envelopeID: envelope.id.map { "\($0)" } ?? "")
    }

    /// The HOME a command gets and the directory it starts in: as OpenSMTPD's forkmda, the delivery user's
    /// passwd directory when the action names another user (`user _vmail`), else the user's own directory.
    func homeDirectory(of account: SystemAccount) -> String {
        if deliveryUser != user { return account.home }
        return home ?? account.home
    }
}
