/// sendmail(8)'s command line as programs call it (cron, mdadm, mail(1), PHP): the flags OpenSMTPD's enqueuer
/// reads, the rest accepted and ignored as it does.
public struct SendmailOptions: Sendable, Hashable {
    public enum Mode: Sendable, Hashable {
        /// `-bm` (the default): read a message from standard input and send it.
        case deliver
        /// `-bs`: speak SMTP on standard input and output.
        case smtp
        /// `-bp`: list the queue (mailq).
        case listQueue
    }

    public var mode: Mode = .deliver
    /// `-f` / `-r`: the envelope sender.
    public var sender: String?
    /// `-F`: the sender's full name, for a From: header the message lacks.
    public var fullName: String?
    /// `-t`: take recipients from the To, Cc and Bcc fields (added to those on the command line).
    public var recipientsFromHeaders = false
    /// `-i` / `-oi`: a line holding only a dot does not end the message.
    public var ignoreDots = false
    /// `-v`: print the SMTP dialogue.
    public var verbose = false
    /// `-N`: DSN NOTIFY for every recipient (`never`, `success,delay`…).
    public var notify: String?
    /// `-R`: DSN RET (`full` or `hdrs`).
    public var ret: String?
    /// `-V`: DSN ENVID.
    public var envelopeID: String?
    public var recipients: [String] = []

    public struct UsageError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    /// Parses sendmail's arguments. Flags with a value take it joined (`-fuser`) or as the next argument.
    public init(arguments: [String]) throws(UsageError) {
        var index = 0
        func value(_ flag: String, _ rest: Substring) throws(UsageError) -> String {
            if !rest.isEmpty { return String(rest) }
            index += 1
            guard index < arguments.count else { throw UsageError(description: "option requires an argument -- \(flag)") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                recipients += arguments[(index + 1)...]
                break
            }
            guard argument.hasPrefix("-"), argument.count > 1 else {
                recipients.append(argument)
                index += 1
                continue
            }
            let flag = argument.dropFirst().first!
            let rest = argument.dropFirst(2)
            switch flag {
            case "f", "r": sender = try value(String(flag), rest)
            case "F": fullName = try value("F", rest)
            case "t": recipientsFromHeaders = true
            case "i": ignoreDots = true
            case "v": verbose = true
            case "N": notify = try value("N", rest)
            case "R": ret = try value("R", rest)
            case "V": envelopeID = try value("V", rest)
            case "b":
                switch rest {
                case "s": mode = .smtp
                case "p": mode = .listQueue
                case "m", "": mode = .deliver
                // -bi (newaliases), -bd (daemon) and the like belong to other programs.
                default: throw UsageError(description: "unsupported mode -b\(rest)")
                }
            case "o":
                // -oi is -i; -odb, -oem, -oQ and the other sendmail options are ignored, as OpenSMTPD does.
                if rest == "i" { ignoreDots = true } else if rest.first == "Q" || rest.first == "A" { _ = try value("o", rest) }
            case "q", "U", "G", "m", "n", "x", "e", "X", "L", "h", "d", "B", "C", "p", "O", "A":
                // Accepted and ignored; those that take a value, take it.
                if "BCpOXLhA".contains(flag) && rest.isEmpty { index += 1 }
            default:
                throw UsageError(description: "illegal option -- \(flag)")
            }
            index += 1
        }
    }
}
