import Server

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let programPath = arguments.first ?? "smtpctl"
let smtpctl = SMTPCtl(handlers: [
    "route": RouteCommand.handler,
    "encrypt": { _, words in EncryptCommand.run(words: words, readLine: { Swift.readLine(strippingNewline: true) }) },
    "sendmail": { _, arguments in SendmailCommand.run(arguments: arguments, readInput: StandardInput.readAll) },
    "send-mail": { _, arguments in SendmailCommand.run(arguments: arguments, readInput: StandardInput.readAll) },
    "makemap": { _, arguments in MakemapCommand.run(programName: programPath, arguments: arguments) },
    "newaliases": { _, arguments in MakemapCommand.run(programName: programPath, arguments: arguments) },
])
exit(smtpctl.run(programName: programPath, arguments: Array(arguments.dropFirst())))
