/// One final recipient of a message: the unit that is queued, scheduled and delivered.
///
/// One RCPT TO becomes one or many envelopes after alias, virtual and .forward expansion (`heroes@` becomes
/// one for `batman@` and one for `superman@`). Each remembers the original RCPT, because bounces and
/// `%{rcpt}` use it.
///
/// - SeeAlso: `lka_submit()` in OpenSMTPD's lka_session.c.
public struct Envelope: Sendable, Hashable {
    /// The recipient the client gave (`%{rcpt}`).
    public var rcpt: MailAddress
    /// The address this copy is for, after expansion (`%{dest}`): the nearest address above the final user.
    public var dest: MailAddress
    /// The envelope sender (`%{sender}`); `.null` for bounces.
    public var sender: MailAddress
    /// The action that delivers it.
    public var actionName: String
    /// The 0-based index of the match rule that chose `actionName`.
    public var ruleIndex: Int
    /// The local user the delivery is for (`%{user.username}`), tag removed; nil for relayed mail.
    public var user: String?
    /// That user's userbase entry, whose directory `%{user.directory}` and `~/` stand for; nil for relayed mail,
    /// and when the user is missing from the userbase (the delivery would then fail).
    public var userInfo: TableValue.UserInfo?
    /// The system user the delivery process runs as: the action's `user` option, or `user`. Nil for relays.
    public var deliveryUser: String?
    /// The sub-address cut from the user name (`news` for `batman+news`), handed to the MDA as `EXTENSION`.
    public var subaddress: String?
    /// Where the copy goes.
    public var delivery: Delivery

    public init(
        rcpt: MailAddress,
        dest: MailAddress,
        sender: MailAddress,
        actionName: String,
        ruleIndex: Int,
        user: String? = nil,
        userInfo: TableValue.UserInfo? = nil,
        deliveryUser: String? = nil,
        subaddress: String? = nil,
        delivery: Delivery
    ) {
        self.rcpt = rcpt
        self.dest = dest
        self.sender = sender
        self.actionName = actionName
        self.ruleIndex = ruleIndex
        self.user = user
        self.userInfo = userInfo
        self.deliveryUser = deliveryUser
        self.subaddress = subaddress
        self.delivery = delivery
    }
}
