public import ConfParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A passwd(5)-format file for the `passwd:` backend, read as opensmtpd-extras' table-passwd reads it, so that
/// one file can serve OpenSMTPD (credentials and userinfo) and Dovecot (passwd-file).
///
/// Each line is `user:password:uid:gid:gecos:home[:shell[:extra…]]`:
/// - `#` starts a comment anywhere on the line; an empty line is skipped (a line of spaces is not empty);
/// - at least six fields (five colons) are needed; the shell is optional and further fields (Dovecot's
///   `userdb_…` extras) are ignored;
/// - the user name is kept as written; a later line for the same user replaces an earlier one;
/// - any malformed line, or one of 2048 bytes or more, makes the whole file fail.
///
/// - SeeAlso: table-passwd(5); `table_passwd_update` in OpenSMTPD-extras.
public struct PasswdFile: Sendable, Hashable {
    /// User name → the line (comment removed).
    public let lines: [String: String]
    /// Tern's remarks, each starting with the path; they never fail the file.
    public let warnings: [String]

    /// `LINE_MAX`: table-passwd copies each line into a buffer of this size.
    static let lineBufferSize = 2048

    /// Reads and checks the file at `path`.
    /// - Throws: `TableLoadError`, with table-passwd's log lines, when the file cannot be read or a line is bad.
    public static func load(path: String) throws(TableLoadError) -> PasswdFile {
        guard let file = fopen(path, "r") else {
            let reason = String(cString: strerror(errno))
            throw TableLoadError(
                logLines: ["warn: \"\(path)\": \(reason)"],
                path: path,
                reason: "cannot open the file: \(reason)"
            )
        }
        defer { fclose(file) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { text.append(contentsOf: chunk[..<count]) }
            if count < chunk.count { break }
        }
        if ferror(file) != 0 {
            throw TableLoadError(logLines: [], path: path, reason: "cannot read the file")
        }
        return try parse(text, path: path)
    }

    /// Reads the file's bytes.
    public static func parse(_ text: [UInt8], path: String) throws(TableLoadError) -> PasswdFile {
        var lines: [String: String] = [:]
        var carriageReturnLine: Int?
        var lineNumber = 0
        for rawLine in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            // C strings end at NUL; the comment ends at `#`.
            let end = rawLine.firstIndex { $0 == 0 || $0 == UInt8(ascii: "#") } ?? rawLine.endIndex
            let line = rawLine[..<end]
            if line.isEmpty { continue }
            guard line.count < lineBufferSize else {
                throw failure(
                    path: path,
                    line: lineNumber,
                    log: "warn: line too long",
                    reason: "the line is 2048 bytes or longer"
                )
            }
            guard let entry = PasswdEntry(line) else {
                throw failure(
                    path: path,
                    line: lineNumber,
                    log: "warn: invalid entry",
                    reason: "a passwd line needs at least six fields, user:password:uid:gid:gecos:home, and a user"
                )
            }
            if carriageReturnLine == nil && line.last == UInt8(ascii: "\r") { carriageReturnLine = lineNumber }
            lines[entry.user] = String(decoding: line, as: UTF8.self)
        }
        var warnings: [String] = []
        if let line = carriageReturnLine {
            warnings.append("\(path): line \(line) ends with a carriage return, which becomes part of its last field")
        }
        if let upper = lines.keys.sorted().first(where: { $0.utf8.contains { $0 &- 0x41 < 26 } }) {
            warnings.append(
                "\(path): user \"\(upper)\" has capital letters; lookups are lowercased, so it can never be found"
            )
        }
        return PasswdFile(lines: lines, warnings: warnings)
    }

    private static func failure(path: String, line: Int, log: String, reason: String) -> TableLoadError {
        TableLoadError(logLines: [log], path: path, line: line, reason: reason)
    }
}

/// One passwd line split into its fields (`parse_passwd_entry` with `strsep(…, ":")`).
struct PasswdEntry {
    var user: String
    var password: String
    var uid: String
    var gid: String
    var home: String

    init?(_ line: some Collection<UInt8>) {
        let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard fields.count >= 6, !fields[0].isEmpty else { return nil }
        user = String(decoding: fields[0], as: UTF8.self)
        password = String(decoding: fields[1], as: UTF8.self)
        uid = String(decoding: fields[2], as: UTF8.self)
        gid = String(decoding: fields[3], as: UTF8.self)
        home = String(decoding: fields[5], as: UTF8.self)
    }

    init?(_ line: String) {
        self.init(Array(line.utf8))
    }
}
