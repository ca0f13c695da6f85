/// smtpd.conf's parser: recursive descent over `Lexer` tokens, one function per production of OpenSMTPD's
/// parse.y, with the grammar's actions (validation) run at the same points as there.
///
/// The verdict and every message's line must be OpenSMTPD's, so the parser also models how yacc recovers from
/// an error: it skips to the end of the line, and it stays quiet about further syntax errors until three tokens
/// have been accepted. Tern still records those quiet errors, as `suppressedError`.
public struct ConfigParser {
    var lexer: Lexer
    /// The token read ahead, if any (yacc's `yychar`). Tokens are read only when a decision needs them, as yacc
    /// does, because messages take the line of the last token read.
    var lookahead: Token?
    /// yacc's `yyerrstatus`: 3 right after an error, one less for every token accepted since.
    var recoveryCountdown = 0
    var diagnostics: [Diagnostic] = []
    var config = Config()
    var registry: TableRegistry
    let environment: any ParserEnvironment
    var state = DeclarationState()
    /// The option keywords valid where the parser stopped, for "did you mean" hints.
    var suggestionCandidates: [String]?
    /// File tables read while parsing, by table name, so the daemon need not read them again.
    var loadedTables: [String: TableContents] = [:]
    /// OpenSMTPD 7.x's reading of a file, where it differs from 6.8's.
    var openSMTPD7Tables: [String: TableContents] = [:]

    public struct Options: Sendable {
        /// `-D name=value` macros, in command-line order.
        public var macros: [(String, String)]
        public init(macros: [(String, String)] = []) {
            self.macros = macros
        }
    }

    public init(reader: any SourceReader, environment: any ParserEnvironment) {
        self.lexer = Lexer(reader: reader)
        self.environment = environment
        self.registry = TableRegistry(environment: environment)
    }

    // MARK: - Entry point

    /// Parses a configuration file as `smtpd -n` does, up to (not including) the pki and queue-key checks that
    /// OpenSMTPD runs afterwards.
    public static func parse(
        path: String,
        options: Options = .init(),
        reader: any SourceReader,
        environment: any ParserEnvironment
    ) -> ParseResult {
        var parser = ConfigParser(reader: reader, environment: environment)
        for (name, value) in options.macros {
            parser.lexer.define(name, value, persistent: true)
        }
        return parser.run(path: path)
    }

    mutating func run(path: String) -> ParseResult {
        if let failure = lexer.openTopFile(path) {
            return ParseResult(config: nil, diagnostics: [failure], failed: true)
        }
        do {
            try parseGrammar()
        } catch ParseInterruption.fatal(let diagnostic) {
            absorbLexerDiagnostics()
            diagnostics.append(diagnostic)
            return ParseResult(config: config, diagnostics: diagnostics, failed: true, stoppedEarly: true,
                               loadedTables: loadedTables)
        } catch {
            // parseGrammar only throws fatal interruptions.
        }
        absorbLexerDiagnostics()
        if config.rules.isEmpty {
            diagnostics.append(Diagnostic(.note, "warn: no rules, nothing to do"))
        }
        let failed = config.rules.isEmpty || diagnostics.contains { $0.countsAgainstVerdict }
        return ParseResult(config: config, diagnostics: diagnostics, failed: failed, loadedTables: loadedTables)
    }

    /// `grammar : grammar statement '\n' | grammar error '\n' | …`
    mutating func parseGrammar() throws(ParseInterruption) {
        while true {
            let token = peek()
            switch token.kind {
            case .endOfInput:
                return
            case .newline:
                accept()
                continue
            default:
                break
            }
            suggestionCandidates = nil
            do {
                try parseStatement(token)
                try expectNewline()
            } catch .syntax(let expected, let hint) {
                reportSyntaxError(expected: expected, hint: hint)
                let startedWithKeyword: Keyword? = {
                    if case .keyword(let k) = token.kind, lookahead == token { return k }
                    return nil
                }()
                guard recover(noteKeywordMacro: startedWithKeyword) else { return }
            } catch .statementRejected {
                guard recover() else { return }
            } catch .fatal(let diagnostic) {
                throw .fatal(diagnostic)
            }
        }
    }

    mutating func parseStatement(_ token: Token) throws(ParseInterruption) {
        switch token.kind {
        case .keyword(.include): try parseInclude()
        case .keyword(.bounce): try parseBounce()
        case .keyword(.admd): try parseAdmd()
        case .keyword(.ca): try parseCA()
        case .keyword(.mda): try parseMDA()
        case .keyword(.mta): try parseMTA()
        case .keyword(.pki): try parsePKI()
        case .keyword(.proc): try parseProc()
        case .keyword(.queue): try parseQueue()
        case .keyword(.scheduler): try parseScheduler()
        case .keyword(.smtp): try parseSMTP()
        case .keyword(.srs): try parseSRS()
        case .keyword(.listen): try parseListen()
        case .keyword(.table): try parseTable()
        case .keyword(.action): try parseAction()
        case .keyword(.match): try parseMatch()
        case .keyword(.filter): try parseFilter()
        case .string, .keyword(.protocols): try parseMacroDefinition()
        default: throw .syntax(expected: "a statement", hint: statementHint(for: token))
        }
    }

    // MARK: - Tokens

    mutating func peek() -> Token {
        if let lookahead { return lookahead }
        let token = lexer.next()
        lookahead = token
        return token
    }

    /// Accepts the lookahead (a yacc shift), which counts towards leaving error recovery.
    @discardableResult
    mutating func accept() -> Token {
        let token = peek()
        lookahead = nil
        if recoveryCountdown > 0 { recoveryCountdown -= 1 }
        return token
    }

    mutating func expectNewline() throws(ParseInterruption) {
        guard peek().kind == .newline else { throw .syntax(expected: "end of line", hint: nil) }
        accept()
    }

    mutating func expect(_ keyword: Keyword) throws(ParseInterruption) {
        guard peek().kind == .keyword(keyword) else { throw .syntax(expected: "\"\(keyword.rawValue)\"", hint: nil) }
        accept()
    }

    /// Accepts `keyword` if it is next.
    mutating func acceptOptional(_ keyword: Keyword) -> Bool {
        guard peek().kind == .keyword(keyword) else { return false }
        accept()
        return true
    }

    mutating func expect(punctuation byte: UInt8) throws(ParseInterruption) {
        guard peek().kind == .punctuation(byte) else {
            throw .syntax(expected: "\"\(Character(Unicode.Scalar(byte)))\"", hint: nil)
        }
        accept()
    }

    /// A STRING token. `protocols` is accepted as a plain word, because OpenSMTPD 6.8 does not reserve it.
    mutating func expectString(_ what: String) throws(ParseInterruption) -> String {
        let token = peek()
        switch token.kind {
        case .string(let value):
            accept()
            return value
        case .keyword(let keyword) where keyword.isNewerThan68:
            accept()
            return keyword.rawValue
        case .keyword(let keyword):
            throw .syntax(expected: what, hint: "\"\(keyword.rawValue)\" is a keyword; quote it to use it as \(what)")
        case .number:
            throw .syntax(expected: what, hint: "a bare number is not a string here; quote it")
        default:
            throw .syntax(expected: what, hint: unquotedHint(for: token))
        }
    }

    func peekIsString(_ token: Token) -> Bool {
        switch token.kind {
        case .string: true
        case .keyword(let k): k.isNewerThan68
        default: false
        }
    }

    // MARK: - Errors

    /// yacc's `yyerror` from a grammar action: always printed, at the line of the last token read.
    mutating func actionError(_ message: String, hint: String? = nil) {
        absorbLexerDiagnostics()
        diagnostics.append(Diagnostic(.error, message, at: lexer.currentLocation, hint: hint))
    }

    /// Reports a message and abandons the statement, as `yyerror(…); YYERROR;` does.
    mutating func reject(_ message: String, hint: String? = nil) -> ParseInterruption {
        actionError(message, hint: hint)
        return .statementRejected
    }

    func fatal(_ message: String, hint: String? = nil, style: Diagnostic.FatalStyle = .prefixed) -> ParseInterruption {
        .fatal(Diagnostic(.fatal, message, at: lexer.currentLocation, hint: hint, fatalStyle: style))
    }

    mutating func warn(_ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(.warning, message, at: lexer.currentLocation, hint: hint))
    }

    mutating func absorbLexerDiagnostics() {
        diagnostics.append(contentsOf: lexer.takeDiagnostics())
    }

    mutating func reportSyntaxError(expected: String?, hint: String?) {
        absorbLexerDiagnostics()
        let token = peek()
        var detail = "unexpected \(token.display)"
        if let expected { detail += ", expected \(expected)" }
        let severity: Diagnostic.Severity = recoveryCountdown == 0 ? .error : .suppressedError
        let hint = hint ?? unquotedHint(for: token) ?? keywordSuggestion(for: token)
        if token.kind == .lexError && severity == .error {
            // The lexer already printed why; yacc still prints "syntax error" for the ERROR token.
            detail = "the rest of this line and the next one are skipped"
        }
        diagnostics.append(Diagnostic(severity, "syntax error", at: token.location, detail: detail, hint: hint))
    }

    /// yacc's recovery through `grammar error '\n'`: discard tokens up to and including the next newline.
    /// Returns false when the input ends first (yacc aborts the parse).
    mutating func recover(noteKeywordMacro keyword: Keyword? = nil) -> Bool {
        recoveryCountdown = 3
        var discarded = 0
        while true {
            let token = peek()
            if let keyword, discarded == 1, token.kind == .punctuation(UInt8(ascii: "=")),
                let index = diagnostics.lastIndex(where: { $0.message == "syntax error" })
            {
                diagnostics[index].hint = "`\(keyword.rawValue)` is a keyword and cannot name a macro; pick another name"
            }
            switch token.kind {
            case .newline:
                accept()
                return true
            case .endOfInput:
                return false
            default:
                lookahead = nil
                discarded += 1
            }
        }
    }
}

/// The outcome of parsing: the configuration as far as it was understood, and every message.
public struct ParseResult: Sendable {
    public var config: Config?
    public var diagnostics: [Diagnostic]
    /// OpenSMTPD's verdict: true when `smtpd -n` would exit 1 at this point.
    public var failed: Bool
    /// A fatal error stopped parsing; nothing after it was read.
    public var stoppedEarly: Bool = false
    /// The contents of file and db tables, read during the parse.
    public var loadedTables: [String: TableContents] = [:]
}
