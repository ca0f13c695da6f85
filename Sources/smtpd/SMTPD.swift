import ArgumentParser
import ConfParser
import Server

#if canImport(Glibc)
import Glibc
#endif

/// `smtpd [-dFhnv] [-D macro=value] [-f file] [-P system] [-T trace]`, as OpenSMTPD's flags go.
@main
struct SMTPD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtpd",
        abstract: "Tern: a mail server that runs OpenSMTPD's smtpd.conf.",
        helpNames: [.long])

    @Flag(name: .customShort("n"), help: "Check the configuration and exit.")
    var checkOnly = false

    @Option(name: .customShort("f"), help: "The configuration file.")
    var file: String = ServerDefaults.configPath

    @Option(name: .customShort("D"), help: "Define a macro: -D name=value.")
    var macros: [String] = []

    @Flag(name: .customShort("v"), help: "Verbose; with -n, print the configuration in canonical form.")
    var verbose = false

    @Flag(name: .customShort("d"), help: "Stay in the foreground and log to standard error.")
    var foreground = false

    @Flag(name: .customShort("F"), help: "Stay in the foreground and log to syslog.")
    var foregroundSyslog = false

    @Flag(name: .customShort("h"), help: "Print the version and usage, as OpenSMTPD does.")
    var versionAndUsage = false

    @Option(name: .customShort("P"), help: "Start with smtp, mta or mda paused.")
    var paused: [String] = []

    @Option(name: .customShort("T"), help: "Trace a subsystem.")
    var traces: [String] = []

    @Flag(name: .long, help: "With -n, print only OpenSMTPD's lines (no excerpts or hints).")
    var brief = false

    mutating func run() throws {
        if versionAndUsage {
            printError("version: \(ServerDefaults.versionLine)")
            printError(Self.usage)
            throw ExitCode(1)
        }
        var definitions: [(String, String)] = []
        for macro in macros {
            guard let equals = macro.lastIndex(of: "=") else {
                printError("warn: could not parse macro definition \(macro)")
                continue
            }
            definitions.append((String(macro[..<equals]), String(macro[macro.index(after: equals)...])))
        }
        for trace in traces where !ServerDefaults.traceFlags.contains(trace) {
            printError("warn: unknown trace flag \"\(trace)\"")
        }
        if checkOnly {
            let outcome = ConfigCheck.run(
                configPath: file, options: .init(macros: definitions, verbose: verbose, explain: !brief))
            if !outcome.stdout.isEmpty { writeAll(1, outcome.stdout) }
            for line in outcome.stderrLines { printError(line) }
            throw ExitCode(outcome.exitCode)
        }
        printError("smtpd: this build of Tern only checks configurations (-n); the daemon is not built yet")
        throw ExitCode(1)
    }

    static let usage = "usage: smtpd [-dFhnv] [-D macro=value] [-f file] [-P system] [-T trace]"
}

func printError(_ line: String) {
    StandardError.write(line)
}

func writeAll(_ fd: Int32, _ text: String) {
    StandardOutput.write(text)
}
