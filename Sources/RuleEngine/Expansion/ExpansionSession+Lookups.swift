/// Alias and virtual lookups (`aliases.c`) and .forward files (`forward.c`).
extension ExpansionSession {
    /// What a table said for one key.
    enum ValueLookup {
        case none
        case found(key: String, items: [ExpansionItem])
        /// The table failed, or its value could not be read: a temporary failure.
        case failed
    }

    /// `table_lookup(K_ALIAS)`: the value, already split into elements (includes kept).
    private mutating func lookupValue(_ table: any LookupTable, _ key: String, depth: Int) -> ValueLookup {
        let value: String?
        do {
            value = try table.lookup(.alias, key: key)
        } catch {
            step(depth, "\(table.name): lookup of \(key) failed: \(error)")
            return .failed
        }
        guard let value else { return .none }
        let parsed = AliasValueParser.parse(value, includes: true)
        if parsed.failed {
            step(depth, "\(table.name): the value of \(key) cannot be read: \(value)")
            return .failed
        }
        return .found(key: key, items: parsed.items)
    }

    /// `aliases_get`: `user+tag`, then `user`. Returns how many elements were taken (0: not an alias), or nil on
    /// failure.
    mutating func aliasLookup(_ name: String, in table: any LookupTable, parent: Int, rule: NodeRule) -> Int? {
        let depth = tree[parent].depth
        var key = name.asciiLowercased
        if let cut = key.firstIndex(of: delimiter) {
            switch lookupValue(table, key, depth: depth) {
            case .failed: return nil
            case .found(let key, let items): return take(items, from: "alias \(key)", parent: parent, rule: rule)
            case .none: key = String(key[..<cut])
            }
        }
        switch lookupValue(table, key, depth: depth) {
        case .failed: return nil
        case .none: return 0
        case .found(let key, let items): return take(items, from: "alias \(key)", parent: parent, rule: rule)
        }
    }

    /// `aliases_virtual_get`: `user+tag@domain`, `user@domain`, `user+tag`, `user`, then (with a domain)
    /// `@domain` and `@`. Returns how many elements were taken (0: no entry), or nil on failure.
    mutating func virtualLookup(_ address: MailAddress, in table: any LookupTable, parent: Int, rule: NodeRule)
        -> Int?
    {
        let depth = tree[parent].depth
        var user = address.user.asciiLowercased
        let domain = address.domain.asciiLowercased
        var tag = ""
        if let cut = user.firstIndex(of: delimiter) {
            tag = String(user[user.index(after: cut)...])
            user = String(user[..<cut])
        }
        let tagged = user + String(delimiter) + tag
        var keys: [String] = []
        if !tag.isEmpty { keys.append(tagged + "@" + domain) }
        keys.append(user + "@" + domain)
        if !tag.isEmpty { keys.append(tagged) }
        keys.append(user)
        if !domain.isEmpty { keys += ["@" + domain, "@"] }
        for key in keys {
            switch lookupValue(table, key, depth: depth) {
            case .failed: return nil
            case .none: continue
            case .found(let key, let items): return take(items, from: "virtual \(key)", parent: parent, rule: rule)
            }
        }
        return 0
    }

    /// Merges a looked-up value into the tree, in OpenSMTPD's sorted order with duplicates removed, reading
    /// include files in place. Returns the count OpenSMTPD returns: one per element, and one per include file
    /// that could be opened (whatever it held).
    private mutating func take(_ items: [ExpansionItem], from source: String, parent: Int, rule: NodeRule) -> Int {
        let depth = tree[parent].depth + 1
        let sorted = Array(Set(items)).sorted()
        step(depth - 1, "\(source) → \(sorted.map(\.displayText).joined(separator: ", "))")
        var count = 0
        for item in sorted {
            if case .include(let path) = item {
                guard let bytes = expander.files.includeFile(at: path) else {
                    step(depth, "\(path): cannot be opened")
                    continue
                }
                count += 1
                for line in LogicalLines.includeFile.split(bytes) {
                    // A bad element ends its line; the include goes on with the next one.
                    for included in AliasValueParser.parse(line, includes: false).items {
                        tree.insert(included, parent: parent, rule: rule)
                    }
                }
            } else {
                tree.insert(item, parent: parent, rule: rule)
                count += 1
            }
        }
        return count
    }

    /// `forwards_get` and `lka_session_forward_reply`: the user's .forward, if any, replaces the delivery.
    mutating func readForward(_ index: Int, _ user: TableValue.UserInfo, rule: NodeRule, action: ResolvedAction) {
        let depth = tree[index].depth
        switch expander.files.forwardFile(for: user) {
        case .missing:
            noForward(index, user, rule: rule, action: action, why: "no .forward")
        case .temporaryFailure(let reason):
            step(depth, ".forward of \(user.username): \(reason)")
            fail(temporary: true, status: RecipientReply.Status.expansionTemporaryFailure, reason)
        case .permanentFailure(let reason):
            step(depth, ".forward of \(user.username): \(reason)")
            fail(temporary: false, status: RecipientReply.Status.expansionFailed, reason)
        case .contents(let bytes):
            if bytes.isEmpty {
                noForward(index, user, rule: rule, action: action, why: "empty .forward")
                return
            }
            guard bytes.count < ExpansionLimits.forwardFileSize else {
                fail(
                    temporary: true, status: RecipientReply.Status.expansionTemporaryFailure,
                    ".forward of \(user.username) is larger than \(ExpansionLimits.forwardFileSize - 1) bytes")
                return
            }
            let before = tree.count
            for line in LogicalLines.forwardFile.split(bytes) {
                let parsed = AliasValueParser.parse(line, includes: false)
                for item in parsed.items { tree.insert(item, parent: index, rule: rule) }
                if parsed.failed {
                    fail(
                        temporary: true, status: RecipientReply.Status.expansionTemporaryFailure,
                        "parse error in the .forward of \(user.username): \(ASCII.text(line))")
                    return
                }
                if tree.count > ExpansionLimits.forwardNodes {
                    fail(
                        temporary: true, status: RecipientReply.Status.expansionTemporaryFailure,
                        "the .forward of \(user.username) expands to too many elements")
                    return
                }
            }
            if tree.count > before {
                let added = (before..<tree.count).map { tree[$0].item.displayText }
                step(depth, ".forward of \(user.username) → \(added.joined(separator: ", "))")
            } else {
                noForward(index, user, rule: rule, action: action, why: ".forward adds nothing new")
            }
        }
    }

    /// No usable .forward: deliver to the user, unless the action only forwards or only expands.
    private mutating func noForward(_ index: Int, _ user: TableValue.UserInfo, rule: NodeRule, action: ResolvedAction, why: String)
    {
        let depth = tree[index].depth
        if action.isForwardOnly {
            step(depth, "\(user.username): \(why), and action \(rule.action) is forward-only")
            fail(
                temporary: true, status: RecipientReply.Status.expansionTemporaryFailure,
                "\(why) for \(user.username) under forward-only action \(rule.action)")
        } else if action.isExpandOnly {
            step(depth, "\(user.username): \(why), and action \(rule.action) is expand-only")
            fail(
                temporary: false, status: RecipientReply.Status.expansionFailed,
                "\(why) for \(user.username) under expand-only action \(rule.action)")
        } else {
            step(depth, "\(user.username): \(why), deliver")
            deliveries.append((index, rule))
        }
    }
}
