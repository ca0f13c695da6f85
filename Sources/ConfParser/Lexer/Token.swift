/// One token of smtpd.conf, as OpenSMTPD's lexer produces it.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case keyword(Keyword)
        /// A quoted string, or an unquoted word that is not a keyword.
        case string(String)
        /// Digits (with an optional leading `-`) followed by whitespace, EOF, `)`, `,`, `/`, `}` or `=`.
        case number(Int64)
        /// `=>`, only meaningful between a key and a value in an inline table.
        case arrow
        case newline
        /// Any other single byte: `{ } < > ! , =`, and bytes no rule accepts (`/`, `@`, `\r`, …).
        case punctuation(UInt8)
        /// The lexer already reported a problem on this line and skipped to its end.
        case lexError
        case endOfInput
    }

    public var kind: Kind
    /// The line OpenSMTPD reports for this token (its `yylval.lineno`).
    public var line: Int
    public var column: Int
    public var file: String
    /// Whether the token was a quoted string: quoting never changes the value, but hints use it.
    public var quoted: Bool
    /// Whether the token came out of a macro's value; used only for hints.
    public var fromMacro: Bool = false

    public init(kind: Kind, line: Int, column: Int, file: String, quoted: Bool = false) {
        self.kind = kind
        self.line = line
        self.column = column
        self.file = file
        self.quoted = quoted
    }

    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    public var isNewline: Bool { kind == .newline }

    /// How the token reads in a message.
    public var display: String {
        switch kind {
        case .keyword(let k): return "keyword \"\(k.rawValue)\""
        case .string(let s): return quoted ? "string \"\(s)\"" : "word \"\(s)\""
        case .number(let n): return "number \(n)"
        case .arrow: return "\"=>\""
        case .newline: return "end of line"
        case .punctuation(let b):
            if b >= 0x21 && b < 0x7f { return "\"\(Character(Unicode.Scalar(b)))\"" }
            return "byte " + hexByte(b)
        case .lexError: return "an invalid token"
        case .endOfInput: return "end of file"
        }
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
}
