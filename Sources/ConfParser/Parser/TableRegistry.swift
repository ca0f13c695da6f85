/// The tables known while parsing, with what OpenSMTPD checks about them: their type (list, hash or dynamic)
/// and the lookup services their backend offers.
struct TableRegistry {
    /// OpenSMTPD's `t_type`. A static table has no type until its first element or its file says so.
    enum Kind: Equatable {
        case none, list, hash, dynamic
    }

    /// OpenSMTPD's `K_*` lookup services.
    struct Services: OptionSet, Hashable {
        let rawValue: UInt32
        static let alias = Services(rawValue: 1 << 0)
        static let domain = Services(rawValue: 1 << 1)
        static let credentials = Services(rawValue: 1 << 2)
        static let netaddr = Services(rawValue: 1 << 3)
        static let userinfo = Services(rawValue: 1 << 4)
        static let source = Services(rawValue: 1 << 5)
        static let mailaddr = Services(rawValue: 1 << 6)
        static let addrname = Services(rawValue: 1 << 7)
        static let mailaddrmap = Services(rawValue: 1 << 8)
        static let relayhost = Services(rawValue: 1 << 9)
        static let string = Services(rawValue: 1 << 10)
        static let regex = Services(rawValue: 1 << 11)
        static let all = Services(rawValue: 0xFFFF)

        static let staticBackend: Services = [
            .alias, .credentials, .domain, .netaddr, .userinfo, .source, .mailaddr, .addrname, .mailaddrmap,
            .relayhost, .string, .regex,
        ]
        static let dbBackend: Services = [
            .alias, .credentials, .domain, .netaddr, .userinfo, .source, .mailaddr, .addrname, .mailaddrmap,
        ]
    }

    /// Which types a use accepts (OpenSMTPD's `T_*` mask).
    struct KindMask: OptionSet {
        let rawValue: UInt8
        static let list = KindMask(rawValue: 1)
        static let hash = KindMask(rawValue: 2)
        static let dynamic = KindMask(rawValue: 4)
    }

    struct Entry {
        var name: String
        var kind: Kind
        var services: Services
        var backend: String
        /// How OpenSMTPD 7.x reads the same file, when that differs from 6.8 (e.g. a `[::1]` list).
        var openSMTPD7Kind: Kind? = nil
    }

    private(set) var entries: [String: Entry] = [:]
    private var nextDynamicID: UInt32 = 0
    let environment: any ParserEnvironment

    init(environment: any ParserEnvironment) {
        self.environment = environment
        // Created before the file is read; their names cannot clash with a user's.
        for name in ["<localhost>", "<anyhost>", "<localnames>", "<anydestination>"] {
            entries[name] = Entry(name: name, kind: .list, services: .staticBackend, backend: "static")
        }
        entries["<getpwnam>"] = Entry(name: "<getpwnam>", kind: .dynamic, services: .userinfo, backend: "getpwnam")
    }

    func find(_ name: String) -> Entry? { entries[name] }

    enum CreateError: Error {
        case alreadyDefined
        case noSuchBackend
    }

    /// OpenSMTPD's `table_create`. A nil name makes an anonymous `<dynamic:N>` table.
    mutating func create(backend requested: String, name: String?) throws(CreateError) -> String {
        if let name, entries[name] != nil { throw .alreadyDefined }
        let backend = requested == "file" ? "static" : requested
        let services: Services
        let kind: Kind
        switch backend {
        case "static":
            services = .staticBackend
            kind = .none
        case "db":
            services = .dbBackend
            kind = .dynamic
        case "getpwnam":
            services = .userinfo
            kind = .dynamic
        case "proc":
            services = .all
            kind = .dynamic
        default:
            guard environment.hasTableHelper(backend) else { throw .noSuchBackend }
            services = .all
            kind = .dynamic
        }
        let tableName: String
        if let name {
            tableName = name
        } else {
            tableName = "<dynamic:\(nextDynamicID)>"
            nextDynamicID += 1
        }
        entries[tableName] = Entry(name: tableName, kind: kind, services: services, backend: backend)
        return tableName
    }

    /// OpenSMTPD's `table_add` on a static table: the first element decides list or hash; a mismatch is
    /// ignored with a warning there, and cannot happen through the grammar.
    mutating func add(to name: String, isPair: Bool) {
        guard var entry = entries[name], entry.backend == "static" else { return }
        if entry.kind == .none { entry.kind = isPair ? .hash : .list }
        entries[name] = entry
    }

    mutating func setKind(_ kind: Kind, for name: String, openSMTPD7Kind: Kind? = nil) {
        entries[name]?.kind = kind
        entries[name]?.openSMTPD7Kind = openSMTPD7Kind
    }

    /// When 6.8's reading of a file fails a check that 7.x's reading passes, Tern switches to 7.x's.
    mutating func adoptOpenSMTPD7Reading(_ name: String, kinds: KindMask, services: Services) -> Bool {
        guard var entry = entries[name], let alternative = entry.openSMTPD7Kind else { return false }
        let original = entry.kind
        entry.kind = alternative
        entries[name] = entry
        if check(name, kinds: kinds, services: services) { return true }
        entries[name]?.kind = original
        return false
    }

    /// OpenSMTPD's `table_check_use`.
    func check(_ name: String, kinds: KindMask, services: Services) -> Bool {
        guard let entry = entries[name] else { return false }
        let kindOK: Bool
        switch entry.kind {
        case .none: kindOK = false
        case .list: kindOK = kinds.contains(.list)
        case .hash: kindOK = kinds.contains(.hash)
        case .dynamic: kindOK = kinds.contains(.dynamic)
        }
        return kindOK && !entry.services.isDisjoint(with: services)
    }
}
