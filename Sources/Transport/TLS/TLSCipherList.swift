/// smtpd.conf's `ciphers` value (listener, relay action, `smtp ciphers`), in libtls syntax
/// (`tls_config_set_ciphers`): one of libtls's keywords, or an OpenSSL cipher list passed on as it is.
///
/// The cipher list governs TLS 1.2 and below; BoringSSL fixes the TLS 1.3 suites, as libtls leaves them alone.
public enum TLSCipherList {
    /// The OpenSSL cipher string libtls would hand to `SSL_CTX_set_cipher_list` for `text`.
    public static func openSSLString(_ text: String) -> String {
        switch text.lowercased() {
        case "default", "secure", "compat": "HIGH:!aNULL"
        case "legacy": "HIGH:MEDIUM:!aNULL"
        case "all", "insecure": "ALL:!aNULL:!eNULL"
        default: text
        }
    }
}
