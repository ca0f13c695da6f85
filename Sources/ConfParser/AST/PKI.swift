/// `pki NAME cert|key|dhe …` lines, merged by name (stored lowercase, as OpenSMTPD does).
public struct PKIDecl: Sendable, Hashable {
    public var name: String
    public var certFile: String?
    public var keyFile: String?
    /// `none`, `auto` or `legacy`, lowercased.
    public var dhe: String?
    public var location: SourceLocation

    public init(name: String, certFile: String? = nil, keyFile: String? = nil, dhe: String? = nil,
                location: SourceLocation = .unknown) {
        self.name = name
        self.certFile = certFile
        self.keyFile = keyFile
        self.dhe = dhe
        self.location = location
    }
}

/// `ca NAME cert FILE`.
public struct CADecl: Sendable, Hashable {
    public var name: String
    public var certFile: String?
    public var location: SourceLocation

    public init(name: String, certFile: String? = nil, location: SourceLocation = .unknown) {
        self.name = name
        self.certFile = certFile
        self.location = location
    }
}
