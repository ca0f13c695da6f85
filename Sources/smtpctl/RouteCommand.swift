import ArgumentParser
import ConfParser
import RuleEngine
import Server

/// `smtpctl route --to RCPT [options]`: where would mail for this recipient go? Tern's addition to smtpctl.
///
/// It reads the configuration and its tables as the daemon would, then runs the rules and the alias, virtual
/// and .forward expansion for one RCPT TO, and prints the deciding rule, the reply, and every final delivery. No
/// daemon is needed and nothing is sent. Exit status 0 when the recipient would be accepted, 1 when it would be
/// refused or the configuration cannot be read, 255 for a usage error (as smtpctl's other commands).
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtpctl route",
        abstract: "Show which rule, action and deliveries a recipient gets, without sending anything.")

    @Option(name: .customShort("f"), help: ArgumentHelp("The configuration file.", valueName: "file"))
    var file: String = ServerDefaults.configPath

    @Option(help: "The recipient, as in RCPT TO.")
    var to: String

    @Option(help: "The sender, as in MAIL FROM (default: <>).")
    var from: String?

    @Option(help: "The client's IP address (default: the local socket).")
    var src: String?

    @Option(help: "The client's reverse DNS name.")
    var rdns: String?

    @Option(help: "The HELO/EHLO name.")
    var helo: String?

    @Option(help: "The user the client authenticated as.")
    var auth: String?

    @Option(help: "The listener's tag.")
    var tag: String?

    @Flag(help: "The session runs over TLS.")
    var tls = false

    @Flag(help: "The mail comes through the local socket (sendmail).")
    var socket = false

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(name: .customLong("opensmtpd-tls"), help: "Treat `tls` criteria as OpenSMTPD does (temporary failure).")
    var openSMTPDTLS = false

    func run() throws {
        let parsed = ConfigParser.parse(path: file, reader: FileSourceReader(), environment: SystemParserEnvironment())
        let renderer = DiagnosticRenderer(programName: "smtpctl")
        guard let config = parsed.config, !parsed.failed else {
            for diagnostic in parsed.diagnostics { for line in renderer.render(diagnostic) { StandardError.write(line) } }
            throw ExitCode(1)
        }
        let host = LocalHostIdentity.system()
        let tables = TableSet(config: config, loadedTables: parsed.loadedTables, localHost: host)
        for (name, problem) in tables.loadProblems.sorted(by: { $0.key < $1.key }) {
            StandardError.write("smtpctl: table \(name): \(problem.reason)")
        }
        let request = RouteRequest(
            recipient: to, sender: from, clientAddress: src, reverseName: rdns, helo: helo, authenticatedUser: auth,
            tag: tag, tls: tls, socket: socket, serverName: host.serverName)
        let explanation: RouteExplanation
        do {
            explanation = try RouteExplainer.explain(
                request, config: config, tables: tables, files: SystemExpansionFiles(),
                rulesetOptions: openSMTPDTLS ? .openSMTPD : .init(),
                srs: SRSCodec(options: config.options).map { SRSRecipientDecoder(codec: $0, logger: nil) })
        } catch {
            StandardError.write("smtpctl: route: \(error)")
            throw ExitCode(1)
        }
        StandardOutput.write(json ? explanation.json + "\n" : explanation.text)
        if explanation.decision != .accept { throw ExitCode(1) }
    }

    /// The `route` handler for `SMTPCtl`: `words` are smtpctl's arguments, starting with `route` (or a prefix of
    /// it); the rest are this command's options.
    static let handler: SMTPCtl.Handler = { _, words in
        let arguments = Array(words.dropFirst())
        do {
            var command = try RouteCommand.parse(arguments)
            try command.run()
            return 0
        } catch {
            let code = RouteCommand.exitCode(for: error)
            let message = RouteCommand.fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { StandardOutput.write(message + "\n") } else { StandardError.write(message) }
            }
            return code == .validationFailure ? 255 : code.rawValue
        }
    }
}
