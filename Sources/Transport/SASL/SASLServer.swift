/// A server-side SASL exchange of either mechanism, as the SMTP session holds it between AUTH lines.
public enum SASLServer: Hashable, Sendable {
    case plain(SASLPlainServer)
    case login(SASLLoginServer)

    /// Starts an exchange.
    /// - Returns: the new exchange and its first step.
    public static func start(_ mechanism: SASLMechanism, initialResponse: String?) -> (SASLServer, SASLStep) {
        switch mechanism {
        case .plain:
            var server = SASLPlainServer()
            let step = server.start(initialResponse: initialResponse)
            return (.plain(server), step)
        case .login:
            var server = SASLLoginServer()
            let step = server.start(initialResponse: initialResponse)
            return (.login(server), step)
        }
    }

    /// Feeds the client's next line.
    public mutating func receive(_ line: some Collection<UInt8>) -> SASLStep {
        switch self {
        case .plain(var server):
            let step = server.receive(line)
            self = .plain(server)
            return step
        case .login(var server):
            let step = server.receive(line)
            self = .login(server)
            return step
        }
    }
}
