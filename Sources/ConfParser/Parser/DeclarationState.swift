/// The names declared so far. smtpd.conf is read in one pass, so a name is known only below its declaration.
struct DeclarationState {
    var dispatchers: Set<String> = []
    /// Filter name → whether it is a chain (chains may not contain chains), and its proc, if any.
    var filters: [String: FilterInfo] = [:]
    var processors: Set<String> = []
    var mdaWrappers: Set<String> = []
    var socketListenerConfigured = false
    var srsKeyDefined = false
    /// OpenSMTPD numbers inline filter chains `<dynchain:00000001>`, `<dynchain:00000002>`, …
    var nextDynamicChainID: UInt32 = 1

    struct FilterInfo {
        var isChain: Bool
        var proc: String?
    }
}
