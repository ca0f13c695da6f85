import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real peers the relay tests talk to, all on loopback: dnsmasq serving MX records on a high port, and
/// receiving SMTP/LMTP servers built on Debian's python3-aiosmtpd (STARTTLS, AUTH, an LMTP mode).
///
/// Both come from scripts/install-test-deps.sh. When one is missing the suites are disabled (reported as
/// skipped, never as passed), except under TERN_REQUIRE_OPENSMTPD=1 (set by scripts/test.sh after installing
/// them), where they run and fail.
public enum RelayPeers {
    public static let dnsmasq = "/usr/sbin/dnsmasq"
    public static let python = "/usr/bin/python3"

    public static let available: Bool = {
        FileManager.default.isExecutableFile(atPath: dnsmasq) && run(python, ["-c", "import aiosmtpd"]) == 0
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }()

    public static let isRequired = ProcessInfo.processInfo.environment["TERN_REQUIRE_OPENSMTPD"] == "1"

    @discardableResult
    public static func run(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A TCP port that is free on `host` right now.
    public static func freePort(on host: String = "127.0.0.1") -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, host, &address.sin_addr)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A child process that is killed when the test is done with it.
///
/// Started with posix_spawn, not Foundation's Process: the child must close every descriptor it inherited
/// beyond stdin, stdout and stderr (other tests running at the same time wait for EOF on pipes of their own
/// children, and a long-lived peer holding a copy would keep them waiting for ever), and closing Foundation's
/// own watch socket in a child makes Foundation believe it exited and block in waitpid for it, which stalls
/// every other Process in the test run.
public final class PeerProcess: @unchecked Sendable {
    private var pid: pid_t = 0
    public let output = Pipe()

    public init(_ path: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let write = output.fileHandleForWriting.fileDescriptor
        posix_spawn_file_actions_adddup2(&actions, write, 1)
        posix_spawn_file_actions_adddup2(&actions, write, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A child spawned from a dispatch thread would inherit its blocked signals (SIGTERM among them).
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        // Python closes the inherited descriptors, then becomes the program (glibc's closefrom file action is
        // not in the Swift overlay).
        let wrapper = [RelayPeers.python, "-c", "import os, sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])"]
        let argv = (wrapper + [path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let status = posix_spawn(&pid, RelayPeers.python, &actions, &attributes, argv, environ)
        try? output.fileHandleForWriting.close()
        guard status == 0 else { throw PeerError(text: "cannot start \(path): \(String(cString: strerror(status)))") }
    }

    /// Waits for a line containing `marker` on the process's output.
    public func waitFor(_ marker: String, seconds: Double = 10) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var seen = ""
        let handle = output.fileHandleForReading
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if seen.contains(marker) { return }
        }
        throw PeerError(text: "peer did not start: \(seen)")
    }

    public func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    deinit { stop() }
}

public struct PeerError: Error, CustomStringConvertible {
    public var text: String
    public var description: String { text }
}

/// dnsmasq answering only from the records given, on 127.0.0.1 and a free port.
public final class TestDNS {
    public let process: PeerProcess
    public let port: Int

    /// - Parameter records: dnsmasq options such as `--mx-host=…`, `--host-record=…`, `--dns-rr=…`.
    public init(_ records: [String]) throws {
        port = RelayPeers.freePort()
        process = try PeerProcess(RelayPeers.dnsmasq, [
            "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--conf-file=/dev/null",
            "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)", "--pid-file=",
            "--local=/test/", "--log-facility=-",
        ] + records)
        try process.waitFor("started")
    }

    public func stop() { process.stop() }
}

/// A receiving SMTP or LMTP server (aiosmtpd) that writes each message it accepts as JSON into a folder.
public final class TestSink {
    public struct Options: Encodable {
        public init(host: String = "127.0.0.1", port: Int = 0, lmtp: Bool = false,
            rejectRecipients: [String: String] = [:], lmtpResults: [String: String] = [:],
            certificate: String? = nil, key: String? = nil, authUser: String? = nil, authPassword: String? = nil,
            clientCA: String? = nil, maximumTLS: String? = nil, implicitTLS: Bool = false,
            resetFirstTransfer: Bool = false)
        {
            self.clientCA = clientCA
            self.maximumTLS = maximumTLS
            self.implicitTLS = implicitTLS
            self.host = host
            self.port = port
            self.lmtp = lmtp
            self.rejectRecipients = rejectRecipients
            self.lmtpResults = lmtpResults
            self.certificate = certificate
            self.key = key
            self.authUser = authUser
            self.authPassword = authPassword
            self.resetFirstTransfer = resetFirstTransfer
        }
        public var host = "127.0.0.1"
        public var port = 0
        public var lmtp = false
        /// RCPT address → reply line (`550 5.1.1 No such user`).
        public var rejectRecipients: [String: String] = [:]
        /// LMTP: recipient → its reply after the data (others get `250 2.0.0 Ok`).
        public var lmtpResults: [String: String] = [:]
        public var certificate: String?
        public var key: String?
        public var authUser: String?
        public var authPassword: String?
        /// STARTTLS requires a client certificate that chains to this file.
        public var clientCA: String?
        /// The newest TLS version offered: `"1.2"` or `"1.3"`.
        public var maximumTLS: String?
        /// TLS from the first byte (smtps) instead of STARTTLS.
        public var implicitTLS = false
        /// The first connection answers DATA with 354, reads a part of the message and resets the connection
        /// (SO_LINGER 0: an RST, not a FIN); later connections take mail as usual.
        public var resetFirstTransfer = false
    }

    public struct Message: Decodable {
        public var mail_from: String
        public var rcpt_tos: [String]
        public var mail_options: [String]
        public var data: String
        public var secure: Bool
        public var authenticated: String?
        /// The EHLO/HELO argument.
        public var helo: String?
        /// The client certificate's subject CN, when one was presented.
        public var client_cn: String?
    }

    public let folder: String
    public let options: Options
    private let process: PeerProcess

    public init(_ options: Options) throws {
        var options = options
        if options.port == 0 { options.port = RelayPeers.freePort(on: options.host) }
        self.options = options
        folder = NSTemporaryDirectory() + "tern-sink-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/sink.py"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: script))
        let json = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        process = try PeerProcess(RelayPeers.python, [script, json, folder])
        try process.waitFor("READY")
    }

    public var port: Int { options.port }

    public func messages() throws -> [Message] {
        let names = (try FileManager.default.contentsOfDirectory(atPath: folder)).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try JSONDecoder().decode(Message.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) }
    }

    /// How many transfers the server cut off by resetting the connection (``Options/resetFirstTransfer``).
    public var resets: Int {
        (try? String(contentsOfFile: folder + "/resets", encoding: .utf8))?.split(separator: "\n").count ?? 0
    }

    /// How many connections the server accepted.
    public var connections: Int {
        (try? String(contentsOfFile: folder + "/connections", encoding: .utf8))?.split(separator: "\n").count ?? 0
    }

    public func stop() { process.stop() }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    public static let script = #"""
import asyncio, json, ssl, sys, os, itertools, socket, struct
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult
from aiosmtpd.lmtp import LMTP

options = json.loads(sys.argv[1])
folder = sys.argv[2]
counter = itertools.count()

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = options["rejectRecipients"].get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        auth = getattr(session, "tern_login", None)
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "mail_options": envelope.mail_options, "data": envelope.content.decode("utf-8", "replace"),
                  "secure": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                  "authenticated": auth, "helo": session.host_name,
                  "client_cn": client_cn(server)}
        with open(os.path.join(folder, "%04d.json" % next(counter)), "w") as f:
            json.dump(record, f)
        if options["lmtp"]:
            return "\r\n".join(options["lmtpResults"].get(r, "250 2.0.0 Ok " + r) for r in envelope.rcpt_tos)
        return "250 2.0.0 Ok: queued"

def client_cn(server):
    transport = getattr(server, "transport", None)
    cert = transport.get_extra_info("peercert") if transport is not None else None
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return None

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == options["authUser"] and auth_data.password.decode() == options["authPassword"]
    if ok:
        session.tern_login = auth_data.login.decode()
    return AuthResult(success=ok, handled=False)

class ResettingSMTP(SMTP):
    """Resets the connection in the middle of the message, once it has read part of it."""
    async def smtp_DATA(self, arg):
        if not self.envelope.rcpt_tos:
            return await super().smtp_DATA(arg)
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        part = await self._reader.read(1024)
        with open(os.path.join(folder, "resets"), "a") as f:
            f.write("reset after %d bytes\n" % len(part))
        self.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()
        # The rest of the message is still buffered: wait here to be cancelled with the connection instead of
        # reading it as commands.
        await asyncio.sleep(3600)

probed = False
connections = 0

def tls_context():
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(options["certificate"], options["key"])
    if options.get("clientCA"):
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(options["clientCA"])
    if options.get("maximumTLS") == "1.2":
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context

class Sink(Controller):
    def _trigger_server(self):
        if options.get("implicitTLS"):
            # Accepting is what makes asyncio call factory(); a TLS probe could not show a client certificate.
            socket.create_connection((self.hostname, self.port), 1.0).close()
        else:
            super()._trigger_server()

    def factory(self):
        # The first connection is the Controller's own readiness probe.
        global probed, connections
        if probed:
            connections += 1
            with open(os.path.join(folder, "connections"), "a") as f:
                f.write("connection\n")
        probed = True
        if options.get("resetFirstTransfer") and connections == 1:
            return ResettingSMTP(self.handler, decode_data=False, hostname="sink.test")
        kwargs = dict(decode_data=False, hostname="sink.test")
        if options["lmtp"]:
            return LMTP(self.handler, **kwargs)
        if options.get("certificate") and not options.get("implicitTLS"):
            kwargs["tls_context"] = tls_context()
            kwargs["require_starttls"] = True
        if options.get("authUser"):
            kwargs["authenticator"] = authenticator
            kwargs["auth_require_tls"] = True
            kwargs["auth_required"] = True
        return SMTP(self.handler, **kwargs)

controller = Sink(Handler(), hostname=options["host"], port=options["port"], ready_timeout=10,
                  ssl_context=tls_context() if options.get("implicitTLS") else None)
controller.start()
print("READY", flush=True)
try:
    sys.stdin.read()
    import time
    while True:
        time.sleep(3600)
finally:
    controller.stop()
"""#
}
