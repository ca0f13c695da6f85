import Foundation

/// The seed's smtpd.conf (examples/seed), unchanged but for file paths, running on high ports: 25 and 587 are
/// mapped with `--port-map`. Its tables are the seed's; its certificate is made fresh for the test.
struct SeedServer {
    let daemon: TernDaemon
    let smtpPort: Int
    let submissionPort: Int

    /// - Parameters:
    ///   - passwd: replaces the seed's passwd table when given.
    ///   - pausing: `-P` arguments (`mda`, `mta`): the receiving tests pause delivery to look at the queue.
    ///   - dnsServer: `host:port` of the test's DNS server, and `mxPort`, the port its MX hosts listen on.
    init(passwd: String? = nil, pausing: [String] = ["mda", "mta"], dnsServer: String? = nil, mxPort: Int? = nil)
        throws
    {
        let seed = TernBinaries.packageRoot.appendingPathComponent("examples/seed")
        func read(_ name: String) throws -> String {
            try String(contentsOf: seed.appendingPathComponent(name), encoding: .utf8)
        }
        let configuration = try read("smtpd.conf")
            .replacingOccurrences(of: "\"/etc/mail/", with: "\"@DIR@/")
            .replacingOccurrences(of: "\"/etc/ssl/private/", with: "\"@DIR@/")
            .replacingOccurrences(of: "\"/etc/ssl/", with: "\"@DIR@/")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try TestCertificate.make(commonName: "athome.tld", in: folder)
        smtpPort = TernDaemon.freePort()
        submissionPort = TernDaemon.freePort()
        daemon = try TernDaemon(
            configuration: configuration,
            files: [
                "aliases": try read("aliases"), "virtuals": try read("virtuals"),
                "passwd": try passwd ?? read("passwd"),
                "athome.tld.crt": certificate, "athome.tld.key": key,
            ],
            extraArguments: ["--port-map", "25=\(smtpPort)", "--port-map", "587=\(submissionPort)"]
                + pausing.flatMap { ["-P", $0] } + (mxPort.map { ["--mx-port", String($0)] } ?? []),
            environment: dnsServer.map { ["TERN_DNS_SERVER": $0] } ?? [:],
            waitForPorts: [smtpPort, submissionPort])
        chmod(daemon.folder.appendingPathComponent("athome.tld.key").path, 0o600)
    }
}

/// A self-signed certificate and key made with openssl(1) for one test run (fixtures would expire).
enum TestCertificate {
    static func make(commonName: String, in folder: URL, ecdsa: Bool = false) throws -> (certificate: String, key: String) {
        let keyPath = folder.appendingPathComponent("key.pem").path
        let certificatePath = folder.appendingPathComponent("cert.pem").path
        let algorithm = ecdsa ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] : ["-newkey", "rsa:2048"]
        let result = try ProcessRunner.run(ExternalTool.path("openssl") ?? "/usr/bin/openssl",
            ["req", "-x509"] + algorithm + ["-nodes", "-keyout", keyPath, "-out", certificatePath, "-days", "30",
                "-subj", "/CN=\(commonName)"])
        guard result.status == 0 else { throw TernDaemon.DaemonError(description: "openssl: \(result.error)") }
        return (try String(contentsOfFile: certificatePath, encoding: .utf8), try String(contentsOfFile: keyPath, encoding: .utf8))
    }
}

/// The seed's virtual maildirs live in /var/vmail/athome.tld, one folder for the whole machine: tests that
/// deliver there (or clear it) hold this lock, so that suites running in parallel do not see each other's mail.
enum SeedMaildirs {
    static let folder = "/var/vmail/athome.tld"
    private static let lock = NSLock()

    static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
