import NIOTLS

/// NIOSSL reports a finished handshake with NIOTLS's `TLSUserEvent`. Kept in one place so that the handler does
/// not depend on NIOTLS's spelling (NIOTLS comes with swift-nio; see the note in the report about declaring it).
enum TLSHandshakeEvent {
    /// True if `event` is `TLSUserEvent.handshakeCompleted`.
    static func isHandshakeCompleted(_ event: Any) -> Bool {
        if case .handshakeCompleted? = event as? TLSUserEvent { return true }
        return false
    }
}
