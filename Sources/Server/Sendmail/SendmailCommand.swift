import RuleEngine

#if canImport(Glibc)
import Glibc
#endif

/// The `sendmail` personality of smtpctl: hands a message to the running daemon through its local socket, as
/// a session `from local` (OpenSMTPD's enqueuer does the same through its control socket).
///
/// Exit statuses are sendmail's sysexits: 0 sent, 64 usage, 67 no recipient accepted, 69 refused, 75 try later
/// (the daemon is not running, or answered 4xx). Unlike OpenSMTPD, Tern keeps no offline queue: a caller gets
/// 75 and keeps the message.
public enum SendmailCommand {
    /// Where the daemon's local socket is: `TERN_SOCKET`, or the default.
    public static var socketPath: String {
        if let path = getenv("TERN_SOCKET") { return String(cString: path) }
        return DaemonOptions.defaultSocketPath
    }

    static let usage = "usage: sendmail [-tv] [-f from] [-F name] to ..."

    public static func run(arguments: [String], readInput: () -> [UInt8]) -> Int32 {
        let options: SendmailOptions
        do {
            options = try SendmailOptions(arguments: arguments)
        } catch {
            StandardError.write("sendmail: \(error)")
            StandardError.write(usage)
            return 64
        }
        switch options.mode {
        case .listQueue:
            return ControlClient.send(ControlProtocol.Request(command: "show-queue"))
        case .smtp:
            guard let client = try? LocalSMTPClient(socketPath: socketPath, verbose: false) else {
                StandardError.write("sendmail: smtpd doesn't seem to be running")
                return 75
            }
            client.relayStandardStreams()
            return 0
        case .deliver:
            return deliver(options, message: readMessage(readInput(), ignoreDots: options.ignoreDots))
        }
    }

    /// The message as the caller meant it: without `-i`, a line holding only `.` ends it.
    static func readMessage(_ input: [UInt8], ignoreDots: Bool) -> [UInt8] {
        guard !ignoreDots else { return input }
        var offset = 0
        for line in input.split(separator: 0x0a, omittingEmptySubsequences: false) {
            if line.elementsEqual([UInt8(ascii: ".")]) || line.elementsEqual([UInt8(ascii: "."), 0x0d]) {
                return Array(input[..<offset])
            }
            offset += line.count + 1
        }
        return input
    }

    static func deliver(_ options: SendmailOptions, message input: [UInt8]) -> Int32 {
        var recipients = options.recipients.flatMap { $0.split(separator: ",").map { String($0).trimming(" \t") } }
        if options.recipientsFromHeaders { recipients += HeaderRecipients.addresses(in: input) }
        recipients = recipients.filter { !$0.isEmpty }
        guard !recipients.isEmpty else {
            StandardError.write("sendmail: no recipients")
            return 64
        }
        let serverName = LocalHostIdentity.system().serverName
        let sender = options.sender ?? (currentUserName() + "@" + serverName)
        var message = input
        if !HeaderRecipients.headerFields(input).contains(where: { $0.0.lowercased() == "from" }) {
            let from = options.fullName.map { "From: \($0) <\(sender)>\n" } ?? "From: \(sender)\n"
            message = Array(from.utf8) + input
        }
        guard let client = try? LocalSMTPClient(socketPath: socketPath, verbose: options.verbose) else {
            StandardError.write("sendmail: smtpd doesn't seem to be running")
            return 75
        }
        do {
            guard try client.readReply().code == 220, try client.command("EHLO localhost").code == 250 else {
                return 75
            }
            var mail = "MAIL FROM:<\(sender == "<>" ? "" : sender)>"
            if let ret = options.ret { mail += " RET=\(ret.uppercased())" }
            if let id = options.envelopeID { mail += " ENVID=\(id)" }
            let mailReply = try client.command(mail)
            guard mailReply.code == 250 else { return failed("sender <\(sender)>", mailReply) }
            var accepted = 0
            var temporary = false
            for recipient in recipients {
                var rcpt = "RCPT TO:<\(recipient)>"
                if let notify = options.notify { rcpt += " NOTIFY=\(notify.uppercased())" }
                let reply = try client.command(rcpt)
                if reply.code / 100 == 2 {
                    accepted += 1
                } else {
                    temporary = temporary || reply.code / 100 == 4
                    StandardError.write("sendmail: \(recipient): \(reply.text)")
                }
            }
            guard accepted > 0 else { return temporary ? 75 : 67 }
            let data = try client.command("DATA")
            guard data.code == 354 else { return failed("DATA", data) }
            let final = try client.sendMessage(message)
            _ = try? client.command("QUIT")
            guard final.code == 250 else { return failed("message", final) }
            return 0
        } catch {
            StandardError.write("sendmail: connection to smtpd lost")
            return 75
        }
    }

    private static func failed(_ what: String, _ reply: LocalSMTPClient.Reply) -> Int32 {
        StandardError.write("sendmail: \(what): \(reply.text)")
        return reply.code / 100 == 4 ? 75 : 69
    }

    static func currentUserName() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "root"
    }
}
