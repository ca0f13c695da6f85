import ConfParser

/// An action with the tables its expansion and delivery use, resolved once.
struct ResolvedAction: Sendable {
    var action: Action
    var alias: (any LookupTable)?
    var virtual: (any LookupTable)?
    /// `userbase T`, or `<getpwnam>`.
    var userbase: (any LookupTable)?
    var relayHosts: (any LookupTable)?
    var relayDomains: (any LookupTable)?
    /// The `mda wrapper` command this action's commands run inside.
    var wrapperCommand: String?

    var isRelay: Bool { !action.method.isLocal }

    var isForwardOnly: Bool {
        if case .forwardOnly = action.method { return true }
        return false
    }

    var isExpandOnly: Bool {
        if case .expandOnly = action.method { return true }
        return false
    }

    init(_ action: Action, config: Config, tables: some TableProvider) throws(MissingTableError) {
        let usedBy = "action \(action.name)"
        func resolve(_ reference: TableRef?) throws(MissingTableError) -> (any LookupTable)? {
            guard let reference else { return nil }
            return try tables.resolve(reference, usedBy: usedBy)
        }
        self.action = action
        self.alias = try resolve(action.alias)
        self.virtual = try resolve(action.virtual)
        self.relayHosts = try resolve(action.host)
        self.relayDomains = try resolve(action.domain)
        if action.method.isLocal {
            if let userbase = action.userbase {
                self.userbase = try tables.resolve(userbase, usedBy: usedBy)
            } else {
                self.userbase = try tables.resolve(named: BuiltinTableName.getpwnam, usedBy: usedBy)
            }
        }
        self.wrapperCommand = action.wrapper.flatMap { name in
            config.mdaWrappers.first { $0.name == name }?.command
        }
    }
}
