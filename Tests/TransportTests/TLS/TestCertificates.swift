import Foundation

/// Throwaway certificates made with the `openssl` command at test time (Transport's dependencies hold no X.509
/// writer, and a committed certificate would expire). Tests that need them are skipped without `openssl`.
enum TestCertificates {
    static let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var available: Bool { openssl != nil }

    struct Pair: Sendable {
        var certificate: String
        var key: String
    }

    /// A self-signed P-256 certificate for `name` (CN and DNS SAN), in a fresh temporary directory.
    static func make(name: String = "localhost") throws -> Pair {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tern-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pair = Pair(certificate: directory + "/\(name).crt", key: directory + "/\(name).key")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl!)
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "2", "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)",
            "-keyout", pair.key, "-out", pair.certificate]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CertificateError() }
        return pair
    }

    struct CertificateError: Error {}
}
