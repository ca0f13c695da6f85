import Server

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let smtpctl = SMTPCtl(handlers: [:])
exit(smtpctl.run(programName: arguments.first ?? "smtpctl", arguments: Array(arguments.dropFirst())))
