import RuleEngine

extension QueuedEnvelope {
    /// The queue's record of one envelope the rule engine produced: addresses as text, the delivery as a method
    /// name and its argument (see Queue/README.md), the delivery user and home for local methods.
    init(_ envelope: Envelope, dsn: DSNFields, created: Int64, expire: Int64) {
        let (method, target, junk) = Self.methodAndTarget(envelope.delivery)
        self.init(
            sender: envelope.sender.isNull ? "" : envelope.sender.text, rcpt: envelope.rcpt.text,
            dest: envelope.dest.text, action: envelope.actionName, method: method, target: target,
            user: envelope.user, created: created, expire: expire, deliveryUser: envelope.deliveryUser,
            home: envelope.userInfo?.directory, junk: junk, subaddress: envelope.subaddress, dsn: dsn)
    }

    /// `relay` targets: `mx:DOMAIN`, `smarthost:URL`, `domain:URL`, or `unavailable:REASON` (delivery fails
    /// permanently with that reason).
    static func methodAndTarget(_ delivery: Delivery) -> (String, String, Bool) {
        switch delivery {
        case .maildir(let path, let junk): ("maildir", path, junk)
        case .mbox(let path): ("mbox", path, false)
        case .lmtp(let destination, _): ("lmtp", destination, false)
        case .mda(let command): ("mda", command, false)
        case .file(let path): ("file", path, false)
        case .pipe(let command): ("pipe", command, false)
        case .relay(.mx(let domain)): ("relay", "mx:" + domain, false)
        case .relay(.smarthost(let url)): ("relay", "smarthost:" + url, false)
        case .relay(.domainRelay(let url)): ("relay", "domain:" + url, false)
        case .relay(.unavailable(let reason)): ("relay", "unavailable:" + reason, false)
        }
    }
}
