/// `senders <T> masquerade`: the addresses of an authenticated submission's From field are replaced by its
/// MAIL FROM address, as OpenSMTPD's `header_address_rewrite_buffer` does, so a user allowed to send as an
/// address also shows it.
///
/// The field value is split at commas outside quotes, comments and angle brackets; in each element the address
/// between `<` and `>` is replaced, or, without brackets, the last word outside comments. Group syntax
/// (`team: a@x, b@y;`, left whole) and anything that does not parse (an open quote, comment or bracket) are left
/// alone.
enum FromMasquerade {
    static func rewrite(_ value: String, sender: String) -> String {
        var elements: [String] = []
        var current = ""
        var lexer = AddressLexer()
        var isGroup = false
        for character in value {
            let structural = lexer.read(character)
            if structural && character == "," && lexer.bracket == 0 {
                elements.append(current)
                current = ""
                continue
            }
            if structural && character == ":" && lexer.bracket == 0 { isGroup = true }
            current.append(character)
        }
        elements.append(current)
        // OpenSMTPD checks for a group per element and so rewrites a group's later members; Tern leaves a
        // group whole.
        if !lexer.isBalanced || isGroup { return value }
        return elements.map { rewriteElement($0, sender: sender) }.joined(separator: ",")
    }

    private static func rewriteElement(_ element: String, sender: String) -> String {
        let characters = Array(element)
        var lexer = AddressLexer()
        var bracketStart: Int?, bracketEnd: Int?
        var componentEnd: Int?
        for (index, character) in characters.enumerated() {
            let structural = lexer.read(character)
            if structural && character == "<" && bracketStart == nil { bracketStart = index }
            if structural && character == ">" && bracketStart != nil && bracketEnd == nil { bracketEnd = index }
            if lexer.comment == 0 && character != ")" && !character.isWhitespace { componentEnd = index }
        }
        if let start = bracketStart, let end = bracketEnd {
            return String(characters[...start]) + sender + String(characters[end...])
        }
        guard let end = componentEnd else { return element }
        var start = end
        while start > 0, characters[start - 1] != ")", !characters[start - 1].isWhitespace { start -= 1 }
        return String(characters[..<start]) + sender + String(characters[(end + 1)...])
    }
}

/// Where a character of an address field stands: inside a quoted string, a comment, angle brackets.
struct AddressLexer {
    private(set) var quote = false
    private var escape = false
    private(set) var comment = 0
    private(set) var bracket = 0

    var isBalanced: Bool { !quote && comment == 0 && bracket == 0 }

    /// Takes the next character; returns true when it is outside quotes and comments and not escaped (a
    /// separator there counts), after updating the nesting for `(`, `)`, `<`, `>` and `"`.
    mutating func read(_ character: Character) -> Bool {
        if escape {
            escape = false
            return false
        }
        let outside = !quote && comment == 0
        switch character {
        case "\\": escape = true
        case "\"" where comment == 0: quote.toggle()
        case "(" where !quote: comment += 1
        case ")" where !quote && comment > 0: comment -= 1
        case "<" where outside: bracket += 1
        case ">" where outside && bracket > 0: bracket -= 1
        default: break
        }
        return outside && character != "\\"
    }
}
