/// `proc NAME "COMMAND" [user U] [group G] [chroot DIR]`.
public struct ProcDecl: Sendable, Hashable {
    public var name: String
    public var command: String
    public var user: String?
    public var group: String?
    public var chroot: String?
    public var location: SourceLocation

    public init(name: String, command: String, user: String? = nil, group: String? = nil, chroot: String? = nil,
                location: SourceLocation = .unknown) {
        self.name = name
        self.command = command
        self.user = user
        self.group = group
        self.chroot = chroot
        self.location = location
    }
}

/// A `filter NAME …` statement.
public struct FilterDecl: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case proc(String)
        case procExec(command: String, user: String?, group: String?, chroot: String?)
        case builtin(BuiltinFilter)
        case chain([String])
    }

    public var name: String
    public var kind: Kind
    public var location: SourceLocation

    public init(name: String, kind: Kind, location: SourceLocation = .unknown) {
        self.name = name
        self.kind = kind
        self.location = location
    }
}

/// `filter NAME phase PHASE match [!]CONDITION DECISION`.
public struct BuiltinFilter: Sendable, Hashable {
    public enum Phase: String, Sendable, Hashable, CaseIterable {
        case connect, helo, ehlo, auth, mailFrom = "mail-from", rcptTo = "rcpt-to", data, commit
    }

    public enum Condition: Sendable, Hashable {
        case fcrdns
        case rdns
        case rdnsTable(TableRef, regex: Bool)
        case src(TableRef, regex: Bool)
        case helo(TableRef, regex: Bool)
        case auth
        case authTable(TableRef, regex: Bool)
        case mailFrom(TableRef, regex: Bool)
        case rcptTo(TableRef, regex: Bool)
    }

    public enum Decision: Sendable, Hashable {
        case reject(String)
        case disconnect(String)
        case rewrite(String)
        case report(String)
        case junk
        case bypass
    }

    public var phase: Phase
    public var negated: Bool
    public var condition: Condition
    public var decision: Decision

    public init(phase: Phase, negated: Bool, condition: Condition, decision: Decision) {
        self.phase = phase
        self.negated = negated
        self.condition = condition
        self.decision = decision
    }
}
