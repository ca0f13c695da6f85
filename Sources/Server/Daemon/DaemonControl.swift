import Logging
import RuleEngine

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's answers to smtpctl, in OpenSMTPD's words where scripts read them (`command succeeded`,
/// `N envelopes scheduled`, `MDA running`, `key=value` statistics).
struct DaemonControl: ControlResponder {
    let runtime: DaemonRuntime

    func respond(to request: ControlProtocol.Request, output: ControlOutput) async -> Int32 {
        let scheduler = runtime.scheduler
        let argument = request.arguments.first ?? ""
        switch request.command {
        case "show-queue":
            for line in await scheduler.showQueue() { output.print(line) }
        case "show-stats":
            for (key, value) in await statistics() { output.print("\(key)=\(value)") }
        case "show-status":
            let paused = await scheduler.paused()
            output.print("MDA \(paused.contains(.mda) ? "paused" : "running")")
            output.print("MTA \(paused.contains(.mta) ? "paused" : "running")")
            output.print("SMTP \(await runtime.listeners.isPaused ? "paused" : "running")")
        case "show-envelope":
            return await showEnvelope(argument, output: output)
        case "show-message":
            return await showMessage(argument, output: output)
        case "schedule", "remove":
            guard let target = SchedulerTarget(argument) else { return invalid(argument, output: output) }
            let count = request.command == "schedule" ? await scheduler.schedule(target) : await scheduler.remove(target)
            output.print("\(count) envelope\(count > 1 ? "s" : "") \(request.command == "schedule" ? "scheduled" : "removed")")
        case "pause-mda": await scheduler.pause(.mda); return succeeded(output)
        case "pause-mta": await scheduler.pause(.mta); return succeeded(output)
        case "resume-mda": await scheduler.resume(.mda); return succeeded(output)
        case "resume-mta": await scheduler.resume(.mta); return succeeded(output)
        case "pause-smtp": await runtime.listeners.setAccepting(false); return succeeded(output)
        case "resume-smtp": await runtime.listeners.setAccepting(true); return succeeded(output)
        case "log-verbose": SMTPDLogHandler.isVerbose = true; return succeeded(output)
        case "log-brief": SMTPDLogHandler.isVerbose = false; return succeeded(output)
        case "trace", "untrace", "profile", "unprofile":
            // Tern has one debug level: tracing any subsystem turns it on, as `log verbose` does.
            SMTPDLogHandler.isVerbose = request.command == "trace" || request.command == "profile"
            return succeeded(output)
        case "update-table":
            switch runtime.updateTable(named: argument) {
            case .success(let warnings):
                for warning in warnings { output.error("smtpctl: table \(argument): \(warning)") }
                return succeeded(output)
            case .failure(let reason):
                output.print("command failed: \(reason)")
                return 1
            }
        case "reload":
            switch await runtime.reload() {
            case .success: return succeeded(output)
            case .failure(let reason):
                for line in reason.lines { output.print("command failed: \(line)") }
                return 1
            }
        case "monitor":
            await monitor(output)
        default:
            output.error("smtpctl: \(request.command): not supported by Tern yet")
            return 1
        }
        return 0
    }

    private func succeeded(_ output: ControlOutput) -> Int32 {
        output.print("command succeeded")
        return 0
    }

    private func invalid(_ argument: String, output: ControlOutput) -> Int32 {
        output.error("smtpctl: invalid msgid/evpid: \(argument)")
        return 1
    }

    /// OpenSMTPD's statistic names where Tern counts the same thing; sorted by name, as smtpctl prints them.
    func statistics() async -> [(String, Int)] {
        let receive = runtime.services.counters
        var values: [String: Int] = [
            "smtp.session": receive.activeSessions,
            "smtp.session.total": receive.sessions,
            "smtp.session.refused": receive.refusedSessions,
            "smtp.tls": receive.tlsSessions,
            "smtp.messages.accepted": receive.messagesAccepted,
            "smtp.rcpt.accepted": receive.recipientsAccepted,
            "smtp.rcpt.refused": receive.recipientsRefused,
            "smtp.auth.failed": receive.authenticationFailures,
            "uptime": Int(UnixTime.now() - runtime.started),
        ]
        // Tern's own: how the queue's commits batched, and where its spare message directories came from.
        let commits = runtime.queue.commitCounts
        let spares = runtime.queue.spareCounts
        values["queue.commit.batch"] = commits.batches
        values["queue.commit.message"] = commits.messages
        values["queue.spare.recycled"] = spares.recycled
        values["queue.spare.made"] = spares.made
        values["queue.journal.checkpoint"] = runtime.queue.journalCheckpoints
        for (key, value) in await runtime.scheduler.stats().keyValues { values[key] = value }
        return values.sorted { $0.key < $1.key }
    }

    private func showEnvelope(_ argument: String, output: ControlOutput) async -> Int32 {
        guard let id = EnvelopeID(hex: argument) else { return invalid(argument, output: output) }
        let path = runtime.queue.envelopePath(id)
        guard let text = await BlockingWork.run({ try? FileText.read(path) }) else {
            output.error("smtpctl: no such envelope: \(argument)")
            return 1
        }
        output.print(text.hasSuffix("\n") ? String(text.dropLast()) : text)
        return 0
    }

    private func showMessage(_ argument: String, output: ControlOutput) async -> Int32 {
        let messageID = MessageID(hex: argument) ?? EnvelopeID(hex: argument)?.messageID
        guard let messageID else { return invalid(argument, output: output) }
        guard let body = try? await runtime.queue.readBody(messageID) else {
            output.error("smtpctl: no such message: \(argument)")
            return 1
        }
        let text = String(decoding: body, as: UTF8.self)
        output.print(text.hasSuffix("\n") ? String(text.dropLast()) : text)
        return 0
    }

    /// `smtpctl monitor`: one line of counters a second, a header every 25 lines, until smtpctl goes away.
    private func monitor(_ output: ControlOutput) async {
        let columns = [
            ("sess", "smtp.session"), ("conn", "smtp.session.total"), ("envs", "scheduler.envelope"),
            ("rcpt", "smtp.rcpt.accepted"), ("ok", "scheduler.delivery.ok"),
            ("tmpfail", "scheduler.delivery.tempfail"), ("prmfail", "scheduler.delivery.permfail"),
            ("expire", "scheduler.envelope.expired"), ("remove", "scheduler.envelope.removed"),
            ("bounce", "queue.bounce"),
        ]
        func row(_ cells: [String]) -> String {
            cells.map { String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined()
        }
        var lines = 0
        while !Task.isCancelled {
            if lines % 25 == 0 { output.print(row(columns.map(\.0))) }
            let values = Dictionary(await statistics(), uniquingKeysWith: { $1 })
            output.print(row(columns.map { String(values[$0.1] ?? 0) }))
            lines += 1
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

/// A small text file read whole.
enum FileText {
    static func read(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw QueueError.notFound(path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
