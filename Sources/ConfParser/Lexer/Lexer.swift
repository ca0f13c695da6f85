/// smtpd.conf's lexer, a faithful model of OpenSMTPD's `yylex`: the same tokens, the same line numbers, and
/// the same quirks, because users' configurations depend on them.
///
/// Quirks kept on purpose (each is pinned by a probe against the real binary):
/// - line joining (`\` newline) happens before comments are skipped, so a comment ending in `\` eats the next
///   line; outside quotes a backslash before any other byte is dropped and the byte kept;
/// - inside quotes a raw newline is dropped and the string goes on;
/// - `$name` expands only at the start of a token and not inside an expansion; the value is lexed again, so one
///   macro can give several tokens;
/// - a number must be followed by whitespace, EOF, `)`, `,`, `/`, `}` or `=`, or it is read again as a word;
/// - an unquoted word starts with a letter, digit, `:` or `_` and goes on over letters, digits and punctuation
///   other than `( ) { } < > ! = # ,`;
/// - each file ends with one made-up newline before its real end, so a last line without `\n` still parses.
public struct Lexer {
    /// A byte from a file or from the push-back buffer; negative values are markers, not bytes.
    typealias Unit = Int
    static let eof: Unit = -1
    /// Bytes 1 and 2 mark the start and end of a macro expansion (as in OpenSMTPD, where a literal \x01 or
    /// \x02 in the file has the same effect).
    static let startExpand: Unit = 1
    static let doneExpand: Unit = 2

    /// The longest token OpenSMTPD's 8 KiB buffer holds.
    static let maximumTokenLength = 8094

    struct OpenFile {
        var name: String
        var bytes: [UInt8]
        var position = 0
        var lineNumber: Int
        var lineStart = 0
        var eofReached = false
        var pushedBack: [Unit] = []
    }

    private(set) var files: [OpenFile] = []
    private var expanding = false
    /// OpenSMTPD's `yylval.lineno`: the line of the last token read, used by every message.
    private(set) var tokenLine = 1
    private var tokenColumn = 1
    /// Where the `$name` being expanded was written; its tokens are reported there.
    private var macroColumn = 1
    private(set) var macros: [String: Macro] = [:]
    private let reader: any SourceReader
    private(set) var diagnostics: [Diagnostic] = []
    /// Names of the files currently open, outermost first; used to refuse include loops.
    var openFileNames: [String] { files.map(\.name) }

    struct Macro {
        var value: String
        /// Defined with `-D`: a definition in the file does not replace it.
        var persistent: Bool
        var used = false
    }

    public init(reader: any SourceReader) {
        self.reader = reader
    }

    // MARK: - Files

    /// Opens the top file. Fails with OpenSMTPD's message when it cannot be read.
    mutating func openTopFile(_ path: String) -> Diagnostic? {
        switch reader.read(path: path) {
        case .success(let bytes):
            files.append(OpenFile(name: path, bytes: bytes, lineNumber: 1))
            return nil
        case .failure(let error):
            return Diagnostic(.note, "pushfile: \(path): \(error.message)")
        }
    }

    /// `include "path"`: opens the file and makes the next token a newline from that file, as OpenSMTPD does.
    mutating func pushInclude(_ path: String) -> Result<Void, SourceReadError> {
        if files.contains(where: { $0.name == path }) {
            return .failure(SourceReadError("include loop: \(path) is already being read"))
        }
        if files.count >= 64 {
            return .failure(SourceReadError("includes nested more than 64 deep"))
        }
        switch reader.read(path: path) {
        case .success(let bytes):
            files.append(OpenFile(name: path, bytes: bytes, lineNumber: 0))
            unget(Unit(UInt8(ascii: "\n")))
            return .success(())
        case .failure(let error):
            return .failure(error)
        }
    }

    var currentFileName: String { files.last?.name ?? "" }

    // MARK: - Macros

    /// Defines a macro from the file (`name = value`); a `-D` macro of the same name wins.
    mutating func define(_ name: String, _ value: String, persistent: Bool = false) {
        if let existing = macros[name], existing.persistent { return }
        macros[name] = Macro(value: value, persistent: persistent)
    }

    var unusedMacros: [String] { macros.filter { !$0.value.used && !$0.value.persistent }.map(\.key).sorted() }

    // MARK: - Diagnostics

    /// OpenSMTPD's `yyerror`: `file:line: message`, at the line of the last token read.
    mutating func error(_ message: String, detail: String? = nil, hint: String? = nil) {
        let location = SourceLocation(file: currentFileName, line: tokenLine, column: tokenColumn)
        diagnostics.append(Diagnostic(.error, message, at: location, detail: detail, hint: hint))
    }

    mutating func takeDiagnostics() -> [Diagnostic] {
        defer { diagnostics = [] }
        return diagnostics
    }

    /// The current position, for Tern's column in messages.
    var currentLocation: SourceLocation {
        SourceLocation(file: currentFileName, line: tokenLine, column: tokenColumn)
    }

    // MARK: - Characters

    private mutating func rawGet() -> Unit {
        let index = files.count - 1
        if let unit = files[index].pushedBack.popLast() { return unit }
        let position = files[index].position
        guard position < files[index].bytes.count else { return Self.eof }
        files[index].position = position + 1
        return Unit(files[index].bytes[position])
    }

    /// OpenSMTPD's `igetc`: the next byte, with expansion markers consumed.
    private mutating func nextUnit() -> Unit {
        while true {
            let unit = rawGet()
            if unit == Self.startExpand {
                expanding = true
            } else if unit == Self.doneExpand {
                expanding = false
            } else {
                return unit
            }
        }
    }

    mutating func unget(_ unit: Unit) {
        guard unit != Self.eof else { return }
        files[files.count - 1].pushedBack.append(unit)
    }

    private mutating func newLine() {
        let index = files.count - 1
        files[index].lineNumber += 1
        files[index].lineStart = files[index].position
    }

    private var lineNumber: Int { files[files.count - 1].lineNumber }

    /// OpenSMTPD's `lgetc(quotec)` inside quotes.
    private mutating func quotedGet(_ quote: Unit) -> Unit {
        let unit = nextUnit()
        if unit == Self.eof {
            error("reached end of file while parsing quoted string")
            if files.count == 1 { return Self.eof }
            popFile()
            return quote
        }
        return unit
    }

    /// OpenSMTPD's `lgetc(0)`: line joining, the made-up final newline, and the return to an including file.
    private mutating func get() -> Unit {
        var unit = nextUnit()
        while unit == Unit(UInt8(ascii: "\\")) {
            let next = nextUnit()
            if next != Unit(UInt8(ascii: "\n")) {
                unit = next
                break
            }
            tokenLine = lineNumber
            newLine()
            unit = nextUnit()
        }
        if unit == Self.eof {
            let index = files.count - 1
            if !files[index].eofReached {
                files[index].eofReached = true
                return Unit(UInt8(ascii: "\n"))
            }
            while unit == Self.eof {
                if files.count == 1 { return Self.eof }
                popFile()
                unit = nextUnit()
            }
        }
        return unit
    }

    private mutating func popFile() {
        files.removeLast()
    }

    /// OpenSMTPD's `findeol`: skips to the end of the line after a lexical error.
    private mutating func skipToEndOfLine() -> Token.Kind {
        while true {
            let unit = get()
            if unit == Unit(UInt8(ascii: "\n")) {
                newLine()
                break
            }
            if unit == Self.eof { break }
        }
        return .lexError
    }

    // MARK: - Tokens

    /// OpenSMTPD's `yylex`.
    public mutating func next() -> Token {
        var quoted = false
        let kind = nextKind(quoted: &quoted)
        var token = Token(kind: kind, line: tokenLine, column: tokenColumn, file: currentFileName, quoted: quoted)
        token.fromMacro = expanding
        return token
    }

    private static func isSpace(_ u: Unit) -> Bool { u == 0x20 || (u >= 0x09 && u <= 0x0D) }
    private static func isDigit(_ u: Unit) -> Bool { u >= 0x30 && u <= 0x39 }
    private static func isAlpha(_ u: Unit) -> Bool { (u >= 0x41 && u <= 0x5A) || (u >= 0x61 && u <= 0x7A) }
    private static func isAlnum(_ u: Unit) -> Bool { isAlpha(u) || isDigit(u) }
    private static func isPunct(_ u: Unit) -> Bool { u >= 0x21 && u <= 0x7E && !isAlnum(u) }

    private static func allowedToEndNumber(_ u: Unit) -> Bool {
        isSpace(u) || u == Unit(UInt8(ascii: ")")) || u == Unit(UInt8(ascii: ",")) || u == Unit(UInt8(ascii: "/"))
            || u == Unit(UInt8(ascii: "}")) || u == Unit(UInt8(ascii: "="))
    }

    static func allowedInString(_ u: Unit) -> Bool {
        if isAlnum(u) { return true }
        guard isPunct(u) else { return false }
        switch UInt8(u) {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "<"),
            UInt8(ascii: ">"), UInt8(ascii: "!"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: ","):
            return false
        default:
            return true
        }
    }

    private mutating func markTokenStart() {
        tokenLine = lineNumber
        if expanding {
            tokenColumn = macroColumn
            return
        }
        let file = files[files.count - 1]
        tokenColumn = max(1, file.position - file.lineStart - file.pushedBack.count)
    }

    private mutating func nextKind(quoted: inout Bool) -> Token.Kind {
        guard !files.isEmpty else { return .endOfInput }
        while true {
            var buffer: [UInt8] = []
            var c = get()
            while c == 0x20 || c == 0x09 { c = get() }
            if c == Self.eof { return .endOfInput }
            markTokenStart()

            if c == Unit(UInt8(ascii: "#")) {
                repeat { c = get() } while c != Unit(UInt8(ascii: "\n")) && c != Self.eof
            }

            if c == Unit(UInt8(ascii: "$")) && !expanding {
                while true {
                    c = get()
                    if c == Self.eof { return .endOfInput }
                    if buffer.count + 1 >= Self.maximumTokenLength {
                        error("string too long")
                        return skipToEndOfLine()
                    }
                    if Self.isAlnum(c) || c == Unit(UInt8(ascii: "_")) {
                        buffer.append(UInt8(c))
                        continue
                    }
                    unget(c)
                    break
                }
                let name = String(decoding: buffer, as: UTF8.self)
                guard var macro = macros[name] else {
                    error("macro '\(name)' not defined",
                          hint: "define it above its first use (\(name) = \"value\") or pass -D \(name)=value")
                    return skipToEndOfLine()
                }
                macro.used = true
                macros[name] = macro
                macroColumn = tokenColumn
                unget(Self.doneExpand)
                for byte in macro.value.utf8.reversed() { unget(Unit(byte)) }
                unget(Self.startExpand)
                continue
            }

            if c == Unit(UInt8(ascii: "'")) || c == Unit(UInt8(ascii: "\"")) {
                quoted = true
                return quotedString(closing: c)
            }

            if c == Unit(UInt8(ascii: "-")) || Self.isDigit(c) {
                var digits: [UInt8] = []
                repeat {
                    digits.append(UInt8(c))
                    if digits.count >= Self.maximumTokenLength + 2 {
                        error("string too long")
                        return skipToEndOfLine()
                    }
                    c = get()
                } while c != Self.eof && Self.isDigit(c)
                unget(c)
                let lonelyMinus = digits.count == 1 && digits[0] == UInt8(ascii: "-")
                if !lonelyMinus && (c == Self.eof || Self.allowedToEndNumber(c)) {
                    let text = String(decoding: digits, as: UTF8.self)
                    switch Self.parseNumber(digits) {
                    case .success(let value): return .number(value)
                    case .failure(let reason):
                        error("\"\(text)\" invalid number: \(reason)")
                        return skipToEndOfLine()
                    }
                }
                for byte in digits.dropFirst().reversed() { unget(Unit(byte)) }
                c = Unit(digits[0])
                if c == Unit(UInt8(ascii: "-")) { return .punctuation(UInt8(ascii: "-")) }
            }

            if c == Unit(UInt8(ascii: "=")) {
                let next = get()
                if next == Unit(UInt8(ascii: ">")) { return .arrow }
                unget(next)
            }

            if Self.isAlnum(c) || c == Unit(UInt8(ascii: ":")) || c == Unit(UInt8(ascii: "_")) {
                repeat {
                    buffer.append(UInt8(c))
                    if buffer.count >= Self.maximumTokenLength + 2 {
                        error("string too long")
                        return skipToEndOfLine()
                    }
                    c = get()
                } while c != Self.eof && Self.allowedInString(c)
                unget(c)
                if let keyword = Keyword.byBytes[buffer] { return .keyword(keyword) }
                return .string(String(decoding: buffer, as: UTF8.self))
            }

            if c == Unit(UInt8(ascii: "\n")) {
                tokenLine = lineNumber
                newLine()
                return .newline
            }
            return .punctuation(UInt8(truncatingIfNeeded: c))
        }
    }

    private mutating func quotedString(closing quote: Unit) -> Token.Kind {
        var buffer: [UInt8] = []
        while true {
            var c = quotedGet(quote)
            if c == Self.eof { return .endOfInput }
            if c == Unit(UInt8(ascii: "\n")) {
                newLine()
                continue
            } else if c == Unit(UInt8(ascii: "\\")) {
                let next = quotedGet(quote)
                if next == Self.eof { return .endOfInput }
                if next == quote || next == 0x20 || next == 0x09 {
                    c = next
                } else if next == Unit(UInt8(ascii: "\n")) {
                    newLine()
                    continue
                } else {
                    unget(next)
                }
            } else if c == quote {
                return .string(String(decoding: buffer, as: UTF8.self))
            } else if c == 0 {
                error("syntax error", detail: "a NUL byte inside a quoted string")
                return skipToEndOfLine()
            }
            if buffer.count + 1 >= Self.maximumTokenLength {
                error("string too long")
                return skipToEndOfLine()
            }
            buffer.append(UInt8(c))
        }
    }

    enum NumberProblem: Error { case tooLarge, tooSmall, invalid }

    /// strtonum(3) over LLONG_MIN...LLONG_MAX, with its three reasons.
    static func parseNumber(_ digits: [UInt8]) -> Result<Int64, NumberProblem> {
        var negative = false
        var body = digits[...]
        if body.first == UInt8(ascii: "-") {
            negative = true
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return .failure(.invalid) }
        var value: Int64 = 0
        for byte in body {
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            if o1 || o2 { return .failure(negative ? .tooSmall : .tooLarge) }
            value = s
        }
        return .success(value)
    }
}

extension Lexer.NumberProblem: CustomStringConvertible {
    var description: String {
        switch self {
        case .tooLarge: "too large"
        case .tooSmall: "too small"
        case .invalid: "invalid"
        }
    }
}
