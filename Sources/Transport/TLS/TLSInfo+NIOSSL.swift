import NIOSSL

extension TLSInfo {
    /// What an established `NIOSSLHandler` tells about its connection. A peer certificate is only requested (and
    /// so only present) when the listener verifies clients, and the handshake fails if it does not verify, so
    /// having one means it was verified.
    init(handler: NIOSSLHandler) {
        self.init(version: handler.tlsVersion.map(Self.openSSLName) ?? "TLS", peerVerified: handler.peerCertificate != nil)
    }

    /// OpenSSL's names (`SSL_get_version`), which OpenSMTPD prints in Received headers.
    static func openSSLName(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLSv1"
        case .tlsv11: "TLSv1.1"
        case .tlsv12: "TLSv1.2"
        case .tlsv13: "TLSv1.3"
        }
    }
}
