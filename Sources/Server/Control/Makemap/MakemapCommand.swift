#if canImport(Glibc)
import Glibc
#endif

/// smtpctl's `makemap` and `newaliases` personalities: OpenSMTPD 6.8's makemap(8), writing the same Berkeley DB
/// files with the same messages and exit statuses.
///
///     makemap [-U] [-d dbtype] [-o dbfile] [-t type] file
///     newaliases [-f file]
///
/// Also accepted, as OpenSMTPD does for sendmail compatibility: `-b i` (act as newaliases), `-C` (ignored),
/// `-O AliasFile=PATH`, and `makemap TYPE NAME` reading standard input into `NAME.db`.
public enum MakemapCommand {
    /// - Parameters:
    ///   - programName: argv[0]; its last component picks the personality and prefixes the messages.
    ///   - arguments: the words after it.
    /// - Returns: the exit status.
    public static func run(programName: String, arguments: [String]) -> Int32 {
        let gid = getgid()
        var run = MakemapRun(programPath: programName)
        // makemap.c's setresgid(gid, gid, gid): a set-group-id smtpctl keeps no group privilege. setregid with the
        // real gid sets the saved one too (Glibc's Swift module lacks setresgid).
        guard setregid(gid, gid) == 0 else { return run.fail("setresgid") }
        return run.main(arguments)
    }
}

/// One makemap invocation: the state makemap.c keeps in globals.
struct MakemapRun {
    enum Mode { case makemap, newaliases }
    enum OutputType { case plain, aliases, set }

    let programPath: String
    let programName: String
    var mode: Mode
    var type = OutputType.plain
    var source: String?
    /// What `newaliases` learnt about the configuration's aliases table, for Tern's daemon notice.
    var aliasesTable: NewaliasesSource.Table?

    init(programPath: String) {
        self.programPath = programPath
        programName = programPath.split(separator: "/").last.map(String.init) ?? programPath
        mode = programName == "newaliases" ? .newaliases : .makemap
    }

    // MARK: - Messages, as err(3) and warn(3) write them

    /// `warnx`.
    func note(_ text: String) { StandardError.write("\(programName): \(text)") }

    /// `warn`: the text, then errno's.
    func warnErrno(_ text: String) { note("\(text): \(String(cString: strerror(errno)))") }

    /// `err(1, …)`.
    func fail(_ text: String) -> Int32 {
        warnErrno(text)
        return 1
    }

    /// `errx(1, …)`.
    func failx(_ text: String) -> Int32 {
        note(text)
        return 1
    }

    func usage() -> Int32 {
        if mode == .newaliases {
            StandardError.write("usage: newaliases [-f file]")
        } else {
            StandardError.write("usage: makemap [-U] [-d dbtype] [-o dbfile] [-t type] file")
        }
        return 1
    }

    // MARK: - The program

    mutating func main(_ arguments: [String]) -> Int32 {
        var configPath = ServerDefaults.configPath
        var outputPath: String?
        var dumps = false
        var kind = BerkeleyDBFile.Kind.hash
        let specification = mode == .newaliases ? "f:h" : "b:C:d:ho:O:t:U"
        guard case .parsed(let options, let operands) =
            GNUGetopt.parse(arguments, specification: specification, programPath: programPath)
        else { return usage() }
        for (letter, argument) in options {
            let argument = argument ?? ""
            switch letter {
            case "b":
                if argument == "i" { mode = .newaliases }
            case "C":
                break
            case "d":
                switch argument {
                case "hash": kind = .hash
                case "btree": kind = .btree
                default: return failx("unsupported DB type '\(argument)'")
                }
            case "f":
                configPath = argument
            case "o":
                outputPath = argument
            case "O":
                guard argument.hasPrefix("AliasFile=") else { break }
                type = .aliases
                source = String(argument.dropFirst("AliasFile=".count))
            case "t":
                switch argument {
                case "aliases": type = .aliases
                case "set": type = .set
                default: return failx("unsupported type '\(argument)'")
                }
            case "U":
                dumps = true
            default:
                return usage()
            }
        }

        if operands.count == 2 {
            return sendmailCompatible(operands, outputPath: outputPath)
        }

        let source: String
        if mode == .newaliases {
            guard geteuid() == 0 else { return failx("need root privileges") }
            guard operands.isEmpty else { return usage() }
            type = .aliases
            if let given = self.source {
                source = given
            } else {
                guard let table = NewaliasesSource.find(configPath: configPath) else { return 1 }
                aliasesTable = table
                source = table.sourcePath
            }
        } else {
            guard operands.count == 1 else { return usage() }
            source = operands[0]
        }
        self.source = source

        if dumps { return dump(path: source, kind: kind) }
        let status = build(source: source, output: outputPath ?? source + ".db", kind: kind)
        if status == 0, let aliasesTable { return NewaliasesSource.notifyDaemon(about: aliasesTable) }
        return status
    }

    /// `makemap TYPE NAME`, sendmail's form: OpenSMTPD runs `makemap -d TYPE -o NAME.db -` again.
    private func sendmailCompatible(_ operands: [String], outputPath: String?) -> Int32 {
        guard outputPath == nil else { return usage() }
        let name = operands[1]
        let database = DatabaseSuffix.stripped(name) != nil ? name : name + ".db"
        guard database.utf8.count < Int(PATH_MAX) else { return failx("database name too long") }
        return MakemapCommand.run(programName: "makemap", arguments: ["-d", operands[0], "-o", database, "-"])
    }
}

/// makemap.c's test for a database name: `strstr(name, ".db")` must find the suffix, so only the first ".db"
/// counts (`a.db.db` does not end in ".db" for it).
enum DatabaseSuffix {
    /// The name without its final ".db", or nil when its first ".db" is not at the end.
    static func stripped(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let suffix = Array(".db".utf8)
        guard let first = bytes.indices.first(where: { bytes[$0...].starts(with: suffix) }),
              first + suffix.count == bytes.count
        else { return nil }
        return String(decoding: bytes[..<first], as: UTF8.self)
    }
}
