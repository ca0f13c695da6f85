public import ConfParser
import Transport

/// Relay settings that `-n` passes (OpenSMTPD 6.8 and 7.x alike) but that can never work: OpenSMTPD 7.x dies at
/// start-up on them, and so does Tern, rather than start and hold every message for that action in the queue.
/// `smtpd -n` reports the same problems as warnings, since they do not change OpenSMTPD's verdict.
enum RelayStartupProblems {
    struct Problem {
        var message: String
        var action: Action
    }

    static func all(_ config: Config) -> [Problem] {
        config.actions.flatMap { action in
            [undeclaredClientPKI(action, config: config), unusableTLSPolicy(action)].compactMap { $0 }
        }
    }

    /// `relay … pki NAME` with no `pki NAME` declared (OpenSMTPD 7.x: `client pki "NAME" not found`).
    static func undeclaredClientPKI(_ action: Action, config: Config) -> Problem? {
        guard let pki = action.pki, config.pki(named: pki) == nil else { return nil }
        return Problem(message: "action \"\(action.name)\": client pki \"\(pki)\" not found", action: action)
    }

    /// `ciphers` or `protocols` that the TLS library refuses (OpenSMTPD 7.x: `failed to parse protocols`, …).
    static func unusableTLSPolicy(_ action: Action) -> Problem? {
        guard action.method == .relay, action.ciphers != nil || action.protocols != nil else { return nil }
        do {
            _ = try TLSContextFactory.makeClientContext(TLSClientOptions(ciphers: action.ciphers, protocols: action.protocols))
            return nil
        } catch {
            return Problem(message: "action \"\(action.name)\": TLS ciphers or protocols cannot be used: \(error)",
                action: action)
        }
    }
}
