/// The rule that put a node into the tree, and so the action its expansion and delivery use.
struct NodeRule: Sendable, Hashable {
    var index: Int
    var action: String
}

/// One element of a recipient's expansion, with OpenSMTPD's bookkeeping (`struct expandnode`).
struct ExpansionNode: Sendable {
    var item: ExpansionItem
    /// A user name that its parent user name expanded to (`root: root, x`): aliases are not asked again.
    var sameUser: Bool = false
    /// A user name found in the userbase.
    var realUser: Bool = false
    /// A user whose .forward was read.
    var forwarded: Bool = false
    var rule: NodeRule?
    var parent: Int?
    var depth: Int = 0
    /// The tag cut from a user name before the userbase lookup.
    var subaddress: String?
    /// The userbase entry of a real user.
    var userInfo: TableValue.UserInfo?
}

/// Every element one recipient expanded to, in insertion order, plus the queue of those not yet expanded.
///
/// Duplicates are dropped as OpenSMTPD's `expand_cmp` decides: two elements are the same when their kind, flags
/// and text agree and they hang under the same address (for files and commands, also under the same user). So
/// a user reached twice through one address is delivered once, but the same user under two different addresses
/// gets two deliveries, one per `%{dest}`.
///
/// OpenSMTPD sets `realUser` and strips the tag of a node that is already in its search tree; Tern does the
/// same, comparing against each node's current state.
struct ExpansionTree {
    private(set) var nodes: [ExpansionNode] = []
    private var queue: [Int] = []
    private var queueHead = 0
    /// Node indices by their item, to find duplicates without scanning everything.
    private var byItem: [ExpansionItem: [Int]] = [:]

    /// How many nodes were added (OpenSMTPD's `nb_nodes`), which the .forward node limit counts.
    var count: Int { nodes.count }

    subscript(index: Int) -> ExpansionNode { nodes[index] }

    /// `expand_insert`. Returns the new node's index, or nil when it was a duplicate.
    @discardableResult
    mutating func insert(_ item: ExpansionItem, parent: Int?, rule: NodeRule?) -> Int? {
        var node = ExpansionNode(item: item, rule: rule, parent: parent)
        if case .username(let name) = item, let parent, case .username(let parentName) = nodes[parent].item,
           parentName == name
        {
            node.sameUser = true
        }
        if let candidates = byItem[item], candidates.contains(where: { isSame(node, nodes[$0]) }) { return nil }
        node.depth = parent.map { nodes[$0].depth + 1 } ?? 0
        let index = nodes.count
        nodes.append(node)
        byItem[item, default: []].append(index)
        queue.append(index)
        return index
    }

    /// The next node to expand, first in first out.
    mutating func next() -> Int? {
        guard queueHead < queue.count else { return nil }
        defer { queueHead += 1 }
        return queue[queueHead]
    }

    mutating func update(_ index: Int, _ change: (inout ExpansionNode) -> Void) {
        let before = nodes[index].item
        change(&nodes[index])
        let after = nodes[index].item
        if before != after {
            byItem[before]?.removeAll { $0 == index }
            byItem[after, default: []].append(index)
        }
    }

    /// The nearest address node at or above `index`: the `%{dest}` of a delivery.
    func addressAncestor(of index: Int) -> Int? {
        var cursor: Int? = index
        while let current = cursor {
            if case .address = nodes[current].item { return current }
            cursor = nodes[current].parent
        }
        return nil
    }

    func userAncestor(of index: Int) -> Int? {
        var cursor: Int? = index
        while let current = cursor {
            if case .username = nodes[current].item { return current }
            cursor = nodes[current].parent
        }
        return nil
    }

    /// `expand_cmp(a, b) == 0`, for nodes whose items are already known to be equal.
    private func isSame(_ a: ExpansionNode, _ b: ExpansionNode) -> Bool {
        guard a.sameUser == b.sameUser, a.realUser == b.realUser, a.item == b.item else { return false }
        if a.parent == b.parent { return true }
        guard let parentA = a.parent, let parentB = b.parent else { return false }
        guard addressAncestor(of: parentA) == addressAncestor(of: parentB) else { return false }
        switch a.item {
        case .filename, .filter: return userAncestor(of: parentA) == userAncestor(of: parentB)
        default: return true
        }
    }
}
