import Foundation
import PeerSupport

/// A real `smtpd` process on loopback for one test: its own folder (configuration, tables, queue, socket,
/// mail), started with `-d` so that its log lines land in `log`, stopped with SIGTERM (SIGKILL if it hangs).
final class TernDaemon {
    let folder: URL
    private(set) var process = Process()
    private let logURL: URL
    private let configPath: String

    var queueDirectory: String { folder.appendingPathComponent("queue").path }
    var socketPath: String { folder.appendingPathComponent("smtpd.sock").path }
    var controlSocketPath: String { folder.appendingPathComponent("control.sock").path }

    /// Starts smtpd on `configuration` (written to smtpd.conf in the folder; `@DIR@` stands for the folder)
    /// and waits until every port in `waitForPorts` accepts connections.
    /// - Parameter mailOwner: a user to own `mail/` in the folder, where the configurations deliver (when root,
    ///   deliveries run as the users the configuration names, which must be able to write there).
    /// smtpd on a free 127.0.0.1 port with one rule: mail @example.test is delivered into
    /// `mail/<user>/Maildir` as the delivery tests' user (`_vmail` under root, else the caller).
    static func maildirServer(extraArguments: [String] = []) throws -> (TernDaemon, Int) {
        let port = freePort()
        let user = getuid() == 0 ? "_vmail" : NSUserName()
        let daemon = try TernDaemon(configuration: """
            listen on 127.0.0.1 port \(port)
            action "local" maildir "@DIR@/mail/%{dest.user}/Maildir" virtual { "@example.test" = "\(user)" }
            match from any for domain "example.test" action "local"
            """, extraArguments: extraArguments, mailOwner: user, waitForPorts: [port])
        return (daemon, port)
    }

    /// Extra environment for smtpd (`TERN_DNS_SERVER` for the relay tests' DNS).
    private let environment: [String: String]
    /// Whether smtpd looks up its clients' reverse names (off unless a test asks: a lookup through the machine's
    /// resolver can stall; 127.0.0.1's name comes from /etc/hosts).
    private let reverseDNS: Bool

    init(configuration: String, files: [String: String] = [:], extraArguments: [String] = [],
        mailOwner: String? = nil, environment: [String: String] = [:], reverseDNS: Bool = false,
        waitForPorts: [Int]) throws
    {
        self.environment = environment
        self.reverseDNS = reverseDNS
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        chmod(folder.path, 0o755)
        for (name, text) in files {
            let path = folder.appendingPathComponent(name).path
            try text.replacingOccurrences(of: "@DIR@", with: folder.path).write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o640)
        }
        let mail = folder.appendingPathComponent("mail").path
        try FileManager.default.createDirectory(atPath: mail, withIntermediateDirectories: true)
        if let mailOwner, getuid() == 0 {
            _ = try ProcessRunner.run("/bin/chown", [mailOwner, mail])
        }
        configPath = folder.appendingPathComponent("smtpd.conf").path
        try configuration.replacingOccurrences(of: "@DIR@", with: folder.path)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        logURL = folder.appendingPathComponent("smtpd.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        try launch(extraArguments: extraArguments, waitForPorts: waitForPorts)
    }

    /// Starts smtpd (again) on the same folder, queue and sockets.
    func launch(extraArguments: [String], waitForPorts: [Int]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: TernBinaries.smtpd)
        process.arguments = ["-d", "-f", configPath, "--queue-dir", queueDirectory, "--socket", socketPath,
            "--control-socket", controlSocketPath] + (reverseDNS ? [] : ["--no-reverse-dns"])
            + (getuid() == 0 ? ["--user", "root"] : []) + extraArguments
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        try process.run()
        for port in waitForPorts {
            guard Self.waitUntilListening(port: port, while: { self.process.isRunning }) else {
                stop()
                throw DaemonError(description: "smtpd did not listen on \(port):\n\(self.log)")
            }
        }
    }

    struct DaemonError: Error, CustomStringConvertible {
        var description: String
    }

    /// Everything smtpd logged so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Waits (up to `timeout`) until a log line contains `text`.
    func waitForLog(_ text: String, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            usleep(50_000)
        }
        return log.contains(text)
    }

    /// `smtpctl ARGUMENTS` against this daemon.
    func smtpctl(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(TernBinaries.smtpctl, arguments, environment: ["TERN_CONTROL_SOCKET": controlSocketPath])
    }

    func stop() {
        ProcessRunner.stop(process)
    }

    /// Stops smtpd and removes its folder.
    func finish() {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    static func waitUntilListening(port: Int, host: String = "127.0.0.1", while alive: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && alive() {
            if canConnect(host: host, port: port) { return true }
            usleep(50_000)
        }
        return false
    }

    static func canConnect(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port free on 127.0.0.1 now (the kernel picks it).
    static func freePort() -> Int {
        RelayPeers.freePort()
    }
}
