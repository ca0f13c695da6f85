/// When a temporarily failed envelope is tried again: OpenSMTPD's ramqueue schedule (`scheduler_backoff` and
/// `scheduler_next` in scheduler_ramqueue.c, 6.8 and 7.x alike).
///
/// The k-th try is due at `created + base × k²`, counted from the message's arrival, not from the last try;
/// after a failure the next try is the first of those instants that lies in the future, with k at least the
/// number of tries so far. The base is 10 s for local delivery (tries at 10s, 40s, 1m30s, 2m40s …; a day
/// after arrival they are about 31 minutes apart) and 400 s for relaying (6m40s, 26m40s, 1h, 1h46m40s …;
/// a day after arrival about three and a half hours apart).
/// The envelope bounces once `expire` is reached, whatever the schedule says.
public struct RetryBackoff: Sendable, Hashable {
    /// OpenSMTPD's `BACKOFF_DELIVERY`.
    public var localBase: Int64
    /// OpenSMTPD's `BACKOFF_TRANSFER`.
    public var relayBase: Int64

    public init(localBase: Int64 = 10, relayBase: Int64 = 400) {
        self.localBase = localBase
        self.relayBase = relayBase
    }

    public func base(for deliveryClass: DeliveryClass) -> Int64 {
        deliveryClass == .mta ? relayBase : localBase
    }

    /// The next try after `retries` attempts (the failed one included), strictly after `now`.
    public func nextTry(created: Int64, retries: Int, deliveryClass: DeliveryClass, now: Int64) -> Int64 {
        let base = max(1, base(for: deliveryClass))
        var step = Int64(max(1, retries))
        // Jump close to the answer first: a message loaded after a long downtime may be far behind.
        if now > created {
            let behind = Int64(Double(now - created) / Double(base)).squareRootFloor
            step = max(step, behind)
        }
        while created + base * step * step <= now { step += 1 }
        return created + base * step * step
    }
}

extension Int64 {
    fileprivate var squareRootFloor: Int64 {
        guard self > 0 else { return 0 }
        var root = Int64(Double(self).squareRoot())
        while root * root > self { root -= 1 }
        while (root + 1) * (root + 1) <= self { root += 1 }
        return root
    }
}
