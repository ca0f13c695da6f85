import Server

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let smtpctl = SMTPCtl(handlers: [
    "route": RouteCommand.handler,
    "encrypt": { _, words in EncryptCommand.run(words: words, readLine: { Swift.readLine(strippingNewline: true) }) },
])
exit(smtpctl.run(programName: arguments.first ?? "smtpctl", arguments: Array(arguments.dropFirst())))
