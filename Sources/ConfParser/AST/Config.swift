/// A parsed smtpd.conf: every statement, with macros and includes already resolved.
///
/// This is an immutable value. Names are not resolved into references; `Config` keeps the order in which
/// things were declared, which the canonical printer relies on (a name must be declared before its use).
public struct Config: Sendable, Hashable {
    public var tables: [TableDecl] = []
    public var pkis: [PKIDecl] = []
    public var cas: [CADecl] = []
    public var mdaWrappers: [MDAWrapper] = []
    public var procs: [ProcDecl] = []
    public var filters: [FilterDecl] = []
    public var socketListener: SocketListener?
    public var listeners: [Listener] = []
    public var actions: [Action] = []
    public var rules: [MatchRule] = []
    public var options = GlobalOptions()

    public init() {}

    public struct MDAWrapper: Sendable, Hashable {
        public var name: String
        public var command: String
        public var location: SourceLocation
        public init(name: String, command: String, location: SourceLocation = .unknown) {
            self.name = name
            self.command = command
            self.location = location
        }
    }

    public func table(named name: String) -> TableDecl? { tables.first { $0.name == name } }
    public func action(named name: String) -> Action? { actions.first { $0.name == name } }
    public func pki(named name: String) -> PKIDecl? { pkis.first { $0.name == name.lowercased() } }
}
