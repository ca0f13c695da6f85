#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Runs an `mda` or `|command` delivery: `/bin/sh -c command` with the message on standard input, OpenSMTPD's
/// environment, in the home directory, in its own process group; by the exit status (sysexits.h):
/// - 0: delivered;
/// - 75 EX_TEMPFAIL and 71 EX_OSERR (OpenSMTPD treats both as temporary): try again later;
/// - anything else: a permanent failure quoting the first lines the command wrote (stdout and stderr together,
///   as OpenSMTPD collects them);
/// - killed by a signal, or still running after `timeout` (OpenSMTPD's five minutes): temporary.
///
/// Standard input is an unlinked temporary file rather than a pipe: no writer thread, no SIGPIPE, and a command
/// that reads only part of the message cannot block the delivery. Blocking: runs on a delivery thread.
struct CommandRunner {
    var timeout: Double = 300
    /// How many lines of the command's output the failure text quotes.
    var quotedLines = 3
    var temporaryDirectory = "/tmp"

    func run(_ command: String, message: [UInt8], environment: [String], workingDirectory: String)
        throws(LocalDeliveryError)
    {
        let input = try temporaryFile()
        defer { close(input) }
        let output = try temporaryFile()
        defer { close(output) }
        try LocalDeliveryError.wrap { () throws(QueueError) in
            try QueueFileSystem().writeAll(input, message, path: temporaryDirectory)
        }
        lseek(input, 0, SEEK_SET)

        let pid: pid_t
        do throws(ProcessSpawner.Failure) {
            pid = try ProcessSpawner.spawn(
                "/bin/sh", arguments: ["-c", command], environment: environment,
                descriptors: [0: input, 1: output, 2: output], workingDirectory: workingDirectory,
                newProcessGroup: true)
        } catch {
            throw .temporary(error.description)
        }
        let (exit, timedOut) = wait(for: pid)
        if timedOut { throw .temporary("terminated; timeout") }
        switch exit {
        case .exited(0):
            return
        case .exited(let status):
            let text = Self.failureText(status: status, output: Self.firstLines(of: output, count: quotedLines))
            throw status == 75 || status == 71 ? .temporary(text) : .permanent(text)
        case .signaled(let signal):
            throw .temporary("terminated; signal \(signal)")
        }
    }

    /// Waits for the command, killing its process group when the time is up. The child is reaped only after the
    /// timer can no longer fire, so the kill can never hit a process group id that was reused meanwhile.
    private func wait(for pid: pid_t) -> (ChildExit, timedOut: Bool) {
        let state = Locked((finished: false, killed: false))
        let timer = DispatchWorkItem {
            state.withLock { state in
                guard !state.finished else { return }
                state.killed = true
                kill(-pid, SIGKILL)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let killed = state.withLock { state in
            state.finished = true
            return state.killed
        }
        timer.cancel()
        // The shell is gone; what it left running in its group is killed too, as OpenSMTPD's setsid child would
        // lose its session.
        kill(-pid, SIGKILL)
        return (ChildExit.wait(for: pid), killed)
    }

    /// OpenSMTPD's text, `user unknown: "…"` (its log wraps it as `Error (…)`, and so does the scheduler's),
    /// with the first lines rather than the last: the first line of an error usually says what went wrong.
    static func failureText(status: Int32, output: [String]) -> String {
        let cause = sysexitText(status) ?? "exited with status \(status)"
        guard !output.isEmpty else { return cause }
        return "\(cause): " + output.map { "\"\($0)\"" }.joined(separator: " ")
    }

    /// The strings OpenSMTPD's mda.c gives the sysexits.h codes.
    static func sysexitText(_ status: Int32) -> String? {
        switch status {
        case 64: "command line usage error"
        case 65: "data format error"
        case 66: "cannot open input"
        case 67: "user unknown"
        case 68: "host name unknown"
        case 69: "service unavailable"
        case 70: "internal software error"
        case 71: "system resource problem"
        case 72: "critical OS file missing"
        case 73: "can't create user output file"
        case 74: "input/output error"
        case 75: "temporary failure"
        case 76: "remote error in protocol"
        case 77: "permission denied"
        case 78: "local configuration error"
        default: nil
        }
    }

    /// The first non-empty lines of what the command wrote, control characters escaped (`\t`, `\x1b`), at most
    /// 200 bytes each.
    static func firstLines(of fd: Int32, count: Int) -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard read > 0 else { return [] }
        let lines = buffer[..<read].split(separator: UInt8(ascii: "\n")).prefix(count)
        return lines.map { line in
            var text: [UInt8] = []
            for byte in line.prefix(200) where byte != UInt8(ascii: "\r") {
                switch byte {
                case UInt8(ascii: "\t"): text += Array("\\t".utf8)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): text += [UInt8(ascii: "\\"), byte]
                case 0..<0x20, 0x7f: text += Array("\\x\(String(byte, radix: 16))".utf8)
                default: text.append(byte)
                }
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    private func temporaryFile() throws(LocalDeliveryError) -> Int32 {
        var template = Array((temporaryDirectory + "/tern.mda.XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw LocalDeliveryError(QueueError.fromErrno("mkstemp", temporaryDirectory))
        }
        unlink(template)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }
}
