import Server

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let smtpctl = SMTPCtl(handlers: [
    "route": RouteCommand.handler,
    "encrypt": { _, words in EncryptCommand.run(words: words, readLine: { Swift.readLine(strippingNewline: true) }) },
    "sendmail": { _, arguments in SendmailCommand.run(arguments: arguments, readInput: StandardInput.readAll) },
    "send-mail": { _, arguments in SendmailCommand.run(arguments: arguments, readInput: StandardInput.readAll) },
])
exit(smtpctl.run(programName: arguments.first ?? "smtpctl", arguments: Array(arguments.dropFirst())))
