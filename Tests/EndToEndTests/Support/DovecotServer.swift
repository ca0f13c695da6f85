import Foundation

/// Debian's Dovecot (dovecot-imapd), started by a test with the seed's local.conf settings: IMAPS on a high
/// loopback port, the same passwd file as Tern (passwd-file, BLF-CRYPT), a static userdb as `_vmail`, and
/// `maildir:/var/vmail/%d/%n/Maildir`. Its runtime files live in the test's folder.
final class DovecotServer {
    let process = Process()
    let port: Int
    let folder: URL

    /// - Parameters:
    ///   - folder: where the certificate (`athome.tld.crt`/`.key`) and the `passwd` file are (the Tern test's).
    init(folder: URL) throws {
        self.folder = folder
        port = TernDaemon.freePort()
        let base = folder.appendingPathComponent("dovecot")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let config = base.appendingPathComponent("dovecot.conf").path
        try """
            # The seed's local.conf, with listeners on a loopback high port and runtime paths of its own.
            base_dir = \(base.path)/run
            state_dir = \(base.path)/state
            log_path = \(base.path)/dovecot.log
            protocols = imap lmtp
            listen = 127.0.0.1
            postmaster_address = postmaster@athome.tld
            ssl = required
            ssl_cert = <\(folder.path)/athome.tld.crt
            ssl_key = <\(folder.path)/athome.tld.key
            disable_plaintext_auth = yes
            mail_location = maildir:/var/vmail/%d/%n/Maildir
            service imap-login {
              inet_listener imap {
                port = 0
              }
              inet_listener imaps {
                port = \(port)
                ssl = yes
              }
            }
            service lmtp {
              unix_listener lmtp {
                mode = 0666
              }
            }
            service auth {
              user = $default_internal_user
              group = _maildaemons
            }
            passdb {
              args = scheme=blf-crypt \(folder.path)/passwd
              driver = passwd-file
            }
            userdb {
              driver = static
              args = uid=_vmail gid=_vmail home=/var/vmail/%d/%n/
            }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        // The seed's permissions: root:_maildaemons 0640, readable by Dovecot's auth process through the group.
        _ = try ProcessRunner.run("/bin/chgrp", ["_maildaemons", folder.appendingPathComponent("passwd").path])
        chmod(folder.appendingPathComponent("passwd").path, 0o640)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/dovecot")
        process.arguments = ["-F", "-c", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard TernDaemon.waitUntilListening(port: port, while: { self.process.isRunning }) else {
            stop()
            let log = (try? String(contentsOfFile: base.path + "/dovecot.log", encoding: .utf8)) ?? ""
            throw TernDaemon.DaemonError(description: "dovecot did not start: \(log)")
        }
    }

    /// Dovecot's LMTP socket.
    var lmtpSocket: String { folder.appendingPathComponent("dovecot/run/lmtp").path }

    var log: String {
        (try? String(contentsOfFile: folder.appendingPathComponent("dovecot/dovecot.log").path, encoding: .utf8)) ?? ""
    }

    func stop() {
        ProcessRunner.stop(process)
    }

    deinit { stop() }

    /// Logs in over IMAPS with Python's imaplib and returns `subject|body` of every INBOX message, one per line,
    /// or `LOGIN FAILED`.
    func readInbox(user: String, password: String) throws -> String {
        let script = """
            import imaplib, ssl, sys, email
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            m = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx)
            try:
                m.login(sys.argv[2], sys.argv[3])
            except imaplib.IMAP4.error:
                print("LOGIN FAILED"); sys.exit(0)
            m.select("INBOX")
            typ, data = m.search(None, "ALL")
            for num in data[0].split():
                typ, parts = m.fetch(num, "(RFC822)")
                msg = email.message_from_bytes(parts[0][1])
                print(msg["Subject"] + "|" + msg.get_payload().strip().replace("\\r\\n", " ").replace("\\n", " "))
            m.logout()
            """
        let result = try ProcessRunner.python(script, ["\(port)", user, password])
        guard result.status == 0 else { throw TernDaemon.DaemonError(description: "imaplib: \(result.error)") }
        return result.output
    }
}
