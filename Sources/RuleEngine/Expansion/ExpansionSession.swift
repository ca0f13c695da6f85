import ConfParser

/// One recipient's expansion in progress: OpenSMTPD's `struct lka_session`, run to completion without waiting
/// (the .forward is read in place instead of asking the parent process).
struct ExpansionSession {
    /// Why the recipient fails. `status` is the reply text before `: <rcpt>`; nil means OpenSMTPD's default for
    /// the kind (`550 Invalid recipient` or `451 Temporary failure`).
    struct Failure {
        var temporary: Bool
        var status: String?
        var reason: String
    }

    let expander: RecipientExpander
    let request: RecipientRequest
    var tree = ExpansionTree()
    /// Nodes to deliver, in the order they were reached.
    var deliveries: [(node: Int, rule: NodeRule)] = []
    var failure: Failure?
    var firstDecision: RuleDecision?
    var steps: [ExpansionStep] = []

    init(expander: RecipientExpander, request: RecipientRequest) {
        self.expander = expander
        self.request = request
    }

    var delimiter: Character { expander.options.subaddressDelimiter }

    mutating func run() -> ExpansionResult {
        tree.insert(.address(request.rcpt), parent: nil, rule: nil)
        while failure == nil, let index = tree.next() {
            expand(index)
        }
        if failure == nil && deliveries.isEmpty {
            fail(temporary: false, status: RecipientReply.Status.expansionFailed, "the expansion produced no delivery")
        }
        if let failure { return refused(failure) }
        var envelopes: [Envelope] = []
        let planner = DeliveryPlanner(expander: expander, request: request)
        for delivery in deliveries {
            switch planner.envelope(node: delivery.node, rule: delivery.rule, tree: tree) {
            case .success(let envelope):
                envelopes.append(envelope)
            case .failure(let problem):
                step(tree[delivery.node].depth, "refused: \(problem.reason)")
                return refused(Failure(temporary: false, status: nil, reason: problem.reason))
            }
        }
        return ExpansionResult(outcome: .accepted(envelopes), decision: firstDecision, steps: steps)
    }

    private func refused(_ failure: Failure) -> ExpansionResult {
        let status = failure.status
            ?? (failure.temporary ? RecipientReply.Status.temporaryFailure : RecipientReply.Status.invalidRecipient)
        let refusal = RecipientRefusal(
            reply: RecipientReply(status: status, recipient: request.rcpt), reason: failure.reason)
        return ExpansionResult(outcome: .refused(refusal), decision: firstDecision, steps: steps)
    }

    mutating func fail(temporary: Bool, status: String? = nil, _ reason: String) {
        guard failure == nil else { return }
        failure = Failure(temporary: temporary, status: status, reason: reason)
    }

    mutating func step(_ depth: Int, _ text: String) {
        steps.append(ExpansionStep(depth: depth, text: text))
    }

    /// `lka_expand()`.
    mutating func expand(_ index: Int) {
        let node = tree[index]
        if node.depth >= ExpansionLimits.depth {
            step(node.depth, "\(node.item.displayText): too deep")
            fail(
                temporary: false, status: RecipientReply.Status.expansionFailed,
                "expansion deeper than \(ExpansionLimits.depth) levels at \(node.item.displayText)")
            return
        }
        switch node.item {
        case .address(let address):
            expandAddress(index, address)
        case .username(let name):
            expandUser(index, name)
        case .filename, .filter:
            guard let rule = node.rule, let action = expander.actions[rule.action] else { return }
            if action.isForwardOnly {
                step(node.depth, "\(node.item.displayText): not allowed by forward-only action \(rule.action)")
                fail(temporary: true, "\(node.item.displayText) under a forward-only action")
                return
            }
            step(node.depth, "\(node.item.displayText): deliver")
            deliveries.append((index, rule))
        case .error(let text):
            guard let rule = node.rule, let action = expander.actions[rule.action] else { return }
            if action.isForwardOnly {
                fail(temporary: true, "an error: entry under a forward-only action")
                return
            }
            step(node.depth, "error:\(text)")
            fail(temporary: text.hasPrefix("4"), status: text, "alias entry error:\(text)")
        case .include:
            // Include elements are read when the value holding them is looked up; none is ever queued.
            break
        }
    }

    /// An address: the rules decide, then relay, virtual lookup, or the user name.
    private mutating func expandAddress(_ index: Int, _ written: MailAddress) {
        let node = tree[index]
        var address = written
        var isInternal = node.parent != nil
        if let decoded = srsDecoded(index, written) {
            address = decoded
            isInternal = true
        }
        let query = RuleQuery(request: request, destination: address, isInternal: isInternal)
        let decision = expander.ruleset.evaluate(query)
        if node.parent == nil { firstDecision = decision }
        switch decision {
        case .reject(_, let ruleIndex):
            let why = ruleIndex.map { "reject rule \(ruleLabel($0)) matched" } ?? "no rule matched"
            step(node.depth, "\(address.text): \(why)")
            fail(temporary: false, "\(why) for \(address.text)")
        case .tempfail(_, let ruleIndex, let reason):
            step(node.depth, "\(address.text): rule \(ruleLabel(ruleIndex)) failed: \(reason)")
            fail(temporary: true, "rule \(ruleLabel(ruleIndex)) could not be checked for \(address.text): \(reason)")
        case .accept(let ruleIndex, let actionName):
            let rule = NodeRule(index: ruleIndex, action: actionName)
            guard let action = expander.actions[actionName] else {
                fail(temporary: true, "no action \(actionName)")
                return
            }
            step(node.depth, "\(address.text): rule \(ruleLabel(ruleIndex)) → action \(actionName)")
            tree.update(index) { $0.rule = rule }
            if action.isRelay {
                deliveries.append((index, rule))
            } else if let virtual = action.virtual {
                switch virtualLookup(address, in: virtual, parent: index, rule: rule) {
                case nil:
                    fail(
                        temporary: true, status: RecipientReply.Status.expansionTemporaryFailure,
                        "virtual lookup failed for \(address.text)")
                case 0?:
                    step(node.depth + 1, "no virtual entry")
                    fail(
                        temporary: false, status: RecipientReply.Status.expansionFailed,
                        "no virtual entry for \(address.text)")
                default:
                    break
                }
            } else {
                tree.insert(.username(address.user.asciiLowercased), parent: index, rule: rule)
            }
        }
    }

    /// The address an SRS recipient of a bounce stands for, which replaces it in the tree; nil when there is
    /// no decoder, the sender is not null, the address is no SRS address, or it does not decode.
    private mutating func srsDecoded(_ index: Int, _ address: MailAddress) -> MailAddress? {
        guard let srs = expander.srs, request.sender.user.isEmpty, address.looksLikeSRS else { return nil }
        guard let decoded = srs.decode(address) else {
            step(tree[index].depth, "\(address.text): SRS failed to decode")
            return nil
        }
        step(tree[index].depth, "\(address.text): SRS decoded to \(decoded.text)")
        tree.update(index) { $0.item = .address(decoded) }
        return decoded
    }

    /// A user name: aliases (or virtual), then the userbase and the .forward.
    private mutating func expandUser(_ index: Int, _ name: String) {
        let node = tree[index]
        guard let rule = node.rule, let action = expander.actions[rule.action] else { return }
        if !node.sameUser && (action.alias != nil || action.virtual != nil) {
            let found: Int?
            if let alias = action.alias {
                found = aliasLookup(name, in: alias, parent: index, rule: rule)
            } else {
                found = virtualLookup(MailAddress(user: name, domain: ""), in: action.virtual!, parent: index, rule: rule)
            }
            guard let found else {
                fail(
                    temporary: true, status: RecipientReply.Status.expansionTemporaryFailure,
                    "alias lookup failed for \(name)")
                return
            }
            if found > 0 { return }
        }
        var user = name
        if let cut = name.firstIndex(of: delimiter) {
            user = String(name[..<cut])
            let tag = String(name[name.index(after: cut)...])
            tree.update(index) {
                $0.item = .username(user)
                $0.subaddress = tag.isEmpty ? nil : tag
            }
        }
        guard let userbase = action.userbase else { return }
        let found: TableValue.UserInfo?
        do {
            found = try userbase.userInfo(for: user)
        } catch {
            // A failing backend, or a value that is not `uid:gid:home`.
            step(node.depth, "user \(user): userbase failed: \(error)")
            fail(temporary: true, "userbase lookup failed for \(user): \(error)")
            return
        }
        guard let info = found else {
            step(node.depth, "user \(user): not in the userbase")
            fail(temporary: false, "no user \(user) in the userbase")
            return
        }
        tree.update(index) {
            $0.realUser = true
            $0.userInfo = info
        }
        step(node.depth, "user \(user): uid \(info.uid), home \(info.directory)")
        if node.sameUser, let parent = node.parent, tree[parent].forwarded {
            deliverUser(index, rule: rule, action: action)
            return
        }
        if let deliverAs = action.action.user, deliverAs != user {
            deliveries.append((index, rule))
            return
        }
        tree.update(index) { $0.forwarded = true }
        readForward(index, info, rule: rule, action: action)
    }

    /// A .forward that names its own user keeps a copy for the user. An action without a delivery method of its
    /// own (`forward-only`, `expand-only`) cannot keep it: OpenSMTPD queues the copy anyway and its delivery
    /// process then has no command to run; Tern drops the copy and delivers the rest.
    private mutating func deliverUser(_ index: Int, rule: NodeRule, action: ResolvedAction) {
        if action.isForwardOnly || action.isExpandOnly {
            step(tree[index].depth, "\(tree[index].item.displayText): no local copy under action \(rule.action)")
            return
        }
        deliveries.append((index, rule))
    }

    func ruleLabel(_ index: Int) -> String {
        let line = expander.ruleset.location(ofRule: index).line
        return line > 0 ? "\(index + 1) (line \(line))" : "\(index + 1)"
    }
}
