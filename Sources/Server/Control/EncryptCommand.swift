public import Transport

#if canImport(Glibc)
import Glibc
#endif

/// `smtpctl encrypt [--scheme NAME] [STRING]`: prints a crypt(3) hash of STRING, or of each line read from
/// standard input, as OpenSMTPD's `smtpctl encrypt` does.
///
/// OpenBSD's `encrypt` writes bcrypt (`$2b$`), which Dovecot's `blf-crypt` scheme and the seed's passwd file
/// expect, so that is the default here too (Debian's OpenSMTPD writes `$6$`; `--scheme sha512` gives that).
public enum EncryptCommand {
    public static let schemes: [String: PasswordHash.Scheme] = [
        "bcrypt": .bcrypt(), "blf-crypt": .bcrypt(), "yescrypt": .yescrypt, "sha512": .sha512,
        "sha512-crypt": .sha512, "sha256": .sha256, "sha256-crypt": .sha256,
    ]

    /// - Parameters:
    ///   - words: smtpctl's words, starting with `encrypt`.
    ///   - readLine: the next line of standard input without its newline, nil at the end.
    /// - Returns: the exit status.
    ///   - write: where the hashes go (standard output).
    public static func run(words: [String], readLine: () -> String?,
                           write: (String) -> Void = StandardOutput.write) -> Int32 {
        var arguments = Array(words.dropFirst())
        var scheme: PasswordHash.Scheme = .bcrypt()
        if arguments.count >= 2, arguments[0] == "--scheme" {
            guard let chosen = schemes[arguments[1]] else {
                StandardError.write("smtpctl: unknown scheme \(arguments[1]); use one of "
                                    + schemes.keys.sorted().joined(separator: ", "))
                return 1
            }
            scheme = chosen
            arguments.removeFirst(2)
        }
        guard arguments.count <= 1 else {
            StandardError.write("usage: smtpctl encrypt [--scheme NAME] [string]")
            return 255
        }
        if let password = arguments.first { return printHash(password, scheme: scheme, write: write) }
        while let line = readLine() {
            let status = printHash(line, scheme: scheme, write: write)
            if status != 0 { return status }
        }
        return 0
    }

    private static func printHash(_ password: String, scheme: PasswordHash.Scheme, write: (String) -> Void) -> Int32 {
        do {
            let hash = try PasswordHash.make(password: Array(password.utf8), scheme: scheme)
            write(hash.encoded + "\n")
            return 0
        } catch .invalidPassword {
            StandardError.write("smtpctl: a password cannot contain a NUL byte")
            return 1
        } catch {
            StandardError.write("smtpctl: crypt(3) cannot make this kind of hash here")
            return 1
        }
    }
}
