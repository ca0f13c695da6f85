import Server

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let smtpctl = SMTPCtl(handlers: ["route": RouteCommand.handler])
exit(smtpctl.run(programName: arguments.first ?? "smtpctl", arguments: Array(arguments.dropFirst())))
