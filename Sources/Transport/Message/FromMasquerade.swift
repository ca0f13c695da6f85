/// `senders <T> masquerade`: the addresses of an authenticated submission's From field are replaced by its
/// MAIL FROM address, as OpenSMTPD's `header_address_rewrite_buffer` does, so a user allowed to send as an
/// address also shows it.
///
/// The field value is split at commas outside quotes, comments and angle brackets; in each element the address
/// between `<` and `>` is replaced, or, without brackets, the last word outside comments. Group syntax
/// (`team: a@x, b@y;`, left whole) and anything that does not parse (an open quote, comment or bracket) are left alone.
enum FromMasquerade {
    static func rewrite(_ value: String, sender: String) -> String {
        var elements: [String] = []
        var current = ""
        var quote = false, escape = false
        var comment = 0, bracket = 0
        var isGroup = false
        for character in value {
            if character == "," && !quote && comment == 0 && bracket == 0 && !escape {
                elements.append(current)
                current = ""
                continue
            }
            current.append(character)
            if escape { escape = false; continue }
            switch character {
            case "\\": escape = true
            case "\"" where comment == 0: quote.toggle()
            case "(" where !quote: comment += 1
            case ")" where !quote && comment > 0: comment -= 1
            case "<" where !quote && comment == 0: bracket += 1
            case ">" where !quote && comment == 0 && bracket > 0: bracket -= 1
            case ":" where !quote && comment == 0 && bracket == 0: isGroup = true
            default: break
            }
        }
        elements.append(current)
        // OpenSMTPD checks for a group per element and so rewrites a group's later members; Tern leaves a
        // group whole.
        if quote || comment > 0 || bracket > 0 || isGroup { return value }
        return elements.map { rewriteElement($0, sender: sender) }.joined(separator: ",")
    }

    private static func rewriteElement(_ element: String, sender: String) -> String {
        let characters = Array(element)
        var quote = false, escape = false
        var comment = 0
        var bracketStart: Int?, bracketEnd: Int?
        var componentEnd: Int?
        var isGroup = false
        for (index, character) in characters.enumerated() {
            if escape { escape = false; continue }
            switch character {
            case "\\": escape = true
            case "\"" where comment == 0: quote.toggle()
            case "(" where !quote: comment += 1
            case ")" where !quote && comment > 0: comment -= 1
            case "<" where !quote && comment == 0 && bracketStart == nil: bracketStart = index
            case ">" where !quote && comment == 0 && bracketStart != nil && bracketEnd == nil: bracketEnd = index
            case ":" where !quote && comment == 0: isGroup = true
            default: break
            }
            if comment == 0 && character != ")" && !character.isWhitespace { componentEnd = index }
        }
        if isGroup { return element }
        if let start = bracketStart, let end = bracketEnd {
            return String(characters[...start]) + sender + String(characters[end...])
        }
        guard let end = componentEnd else { return element }
        var start = end
        while start > 0, characters[start - 1] != ")", !characters[start - 1].isWhitespace { start -= 1 }
        return String(characters[..<start]) + sender + String(characters[(end + 1)...])
    }
}
