import ConfParser

/// Builds the envelope for one node the expansion decided to deliver (`lka_submit`), and works out where the
/// copy goes with every `%{…}` expanded, as OpenSMTPD's delivery process would (`mda_unpriv`, `forkmda`).
struct DeliveryPlanner {
    /// Why a delivery target could not be formed.
    struct Problem: Error {
        var reason: String
    }

    let expander: RecipientExpander
    let request: RecipientRequest

    /// Debian's and OpenBSD's mail spool (`_PATH_MAILDIR`), where `mbox` delivers.
    static let mailSpool = "/var/mail"

    func envelope(node index: Int, rule: NodeRule, tree: ExpansionTree) -> Result<Envelope, Problem> {
        guard let action = expander.actions[rule.action] else {
            return .failure(Problem(reason: "no action \(rule.action)"))
        }
        let node = tree[index]
        guard let destIndex = tree.addressAncestor(of: index), case .address(let dest) = tree[destIndex].item else {
            return .failure(Problem(reason: "no address above \(node.item.displayText)"))
        }
        var envelope = Envelope(
            rcpt: request.rcpt, dest: dest, sender: request.sender, actionName: rule.action, ruleIndex: rule.index,
            delivery: .relay(.mx(domain: dest.domain)))
        if action.isRelay {
            envelope.delivery = .relay(relayRoute(action, domain: dest.domain))
            return .success(envelope)
        }
        switch node.item {
        case .username(let user):
            envelope.user = user
            envelope.userInfo = node.userInfo
            envelope.subaddress = node.subaddress
        default:
            // Files and commands run as the user whose .forward named them, or as the smtpd user for tables.
            if let parent = node.parent, tree[parent].realUser, case .username(let owner) = tree[parent].item {
                envelope.user = owner
                envelope.userInfo = tree[parent].userInfo
            } else {
                envelope.user = expander.options.smtpdUser
                envelope.userInfo = userbaseEntry(expander.options.smtpdUser, action: action)
            }
        }
        envelope.deliveryUser = action.action.user ?? envelope.user
        do {
            envelope.delivery = try delivery(for: node.item, envelope: envelope, action: action)
        } catch {
            return .failure(error)
        }
        return .success(envelope)
    }

    private func delivery(for item: ExpansionItem, envelope: Envelope, action: ResolvedAction) throws(Problem)
        -> Delivery
    {
        let context = formatContext(envelope)
        switch item {
        case .filename(let path):
            return .file(path: try expandPath(path, context, what: "file path"))
        case .filter(let command):
            return .pipe(command: try wrapped(try expand(command, context, what: "command"), context, action))
        default:
            break
        }
        switch action.action.method {
        case .mbox:
            return .mbox(path: Self.mailSpool + "/" + (envelope.userInfo?.username ?? envelope.user ?? ""))
        case .maildir(let path?, let junk):
            return .maildir(path: try expandPath(path, context, what: "maildir path"), junk: junk)
        case .maildir(nil, let junk):
            // mail.maildir without a path uses $HOME/Maildir, and $HOME is the home of the user the delivery runs
            // as: the action's `user` if it has one.
            return .maildir(path: deliveryHome(envelope, action) + "/Maildir", junk: junk)
        case .lmtp(let destination, let rcptTo):
            return .lmtp(destination: try expand(destination, context, what: "lmtp destination"), rcptTo: rcptTo)
        case .mda(let command):
            return .mda(command: try wrapped(try expand(command, context, what: "mda command"), context, action))
        case .forwardOnly, .expandOnly:
            throw Problem(reason: "action \(action.action.name) has no delivery method for user \(envelope.user ?? "")")
        case .relay:
            return .relay(relayRoute(action, domain: envelope.dest.domain))
        }
    }

    private func formatContext(_ envelope: Envelope) -> FormatContext {
        FormatContext(
            sender: envelope.sender.formatAddress, rcpt: envelope.rcpt.formatAddress,
            dest: envelope.dest.formatAddress, userName: envelope.userInfo?.username ?? envelope.user ?? "",
            userDirectory: envelope.userInfo?.directory ?? "",
            subaddressDelimiter: expander.options.subaddressDelimiter)
    }

    private func expand(_ template: String, _ context: FormatContext, what: String) throws(Problem) -> String {
        do {
            return try FormatExpander.expand(template, context: context).text(template: template)
        } catch {
            throw Problem(reason: "\(what) \"\(template)\" cannot be expanded: \(error.message)")
        }
    }

    private func expandPath(_ template: String, _ context: FormatContext, what: String) throws(Problem) -> String {
        do {
            return try FormatExpander.expandPath(template, context: context).text(template: template)
        } catch {
            throw Problem(reason: "\(what) \"\(template)\" refused: \(error.message)")
        }
    }

    /// The command inside the action's `mda wrapper`, if it has one.
    private func wrapped(_ command: String, _ context: FormatContext, _ action: ResolvedAction) throws(Problem)
        -> String
    {
        guard let wrapper = action.wrapperCommand else { return command }
        var context = context
        context.mdaCommand = command
        return try expand(wrapper, context, what: "mda wrapper")
    }

    private func deliveryHome(_ envelope: Envelope, _ action: ResolvedAction) -> String {
        if let user = action.action.user, let table = expander.systemUsers,
           let info = try? table.userInfo(for: user)
        {
            return info.directory
        }
        return envelope.userInfo?.directory ?? ""
    }

    private func userbaseEntry(_ user: String, action: ResolvedAction) -> TableValue.UserInfo? {
        guard let table = action.userbase else { return nil }
        return try? table.userInfo(for: user)
    }

    /// `host T` gives the smarthost (the first entry; OpenSMTPD hands them out in turn), `domain T` the relay
    /// for the destination domain; without either, the domain's MX hosts.
    func relayRoute(_ action: ResolvedAction, domain: String) -> RelayRoute {
        if let hosts = action.relayHosts {
            do {
                guard let first = try hosts.fetchAll(.relayhost).first else {
                    return .unavailable(reason: "the host table \(hosts.name) is empty")
                }
                return .smarthost(first)
            } catch {
                return .unavailable(reason: "the host table failed: \(error)")
            }
        }
        if let domains = action.relayDomains {
            do {
                guard let relay = try domains.lookup(.relayhost, key: domain) else {
                    return .unavailable(reason: "no relay for \(domain) in \(domains.name)")
                }
                return .domainRelay(relay)
            } catch {
                return .unavailable(reason: "the domain table failed: \(error)")
            }
        }
        return .mx(domain: domain)
    }
}
