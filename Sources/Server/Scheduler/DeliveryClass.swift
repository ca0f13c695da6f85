/// OpenSMTPD's two delivery agents, which `smtpctl pause` and `resume` address and `show queue` prints:
/// `mda` for local delivery (maildir, mbox, mda, lmtp…) and `mta` for relaying.
public enum DeliveryClass: String, Sendable, Hashable, CaseIterable {
    case mda
    case mta

    /// `relay` goes to the MTA; every other method is delivered locally, LMTP included (OpenSMTPD's
    /// dispatchers: `DISPATCHER_REMOTE` versus `DISPATCHER_LOCAL`).
    public init(method: String) {
        self = method == "relay" ? .mta : .mda
    }
}
