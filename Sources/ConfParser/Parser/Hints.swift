extension ConfigParser {
    /// Why a token cannot start a statement, in words a user can act on.
    func statementHint(for token: Token) -> String? {
        switch token.kind {
        case .string(let word):
            let legacy: [String: String] = [
                "accept": "`accept … deliver to` is the pre-6.4 grammar; write an `action` and a `match … action` rule",
                "expire": "`expire` is the pre-6.4 grammar; use `queue ttl 4d` or an action's `ttl`",
                "certificate": "the pre-6.4 spelling; write `pki NAME cert \"FILE\"`",
                "hostname": "use `listen on … hostname NAME` or put the name in /etc/mailname",
                "max-message-size": "write `smtp max-message-size 35M`",
                "deliver": "use `action NAME maildir|mbox|mda …`",
            ]
            if let text = legacy[word] { return text }
            let statements = ["action", "admd", "bounce", "ca", "filter", "include", "listen", "match", "mda", "mta",
                              "pki", "proc", "queue", "scheduler", "smtp", "srs", "table"]
            if let close = closest(word, among: statements) { return "did you mean `\(close)`?" }
            return "a line starts with a statement keyword, or NAME = \"value\" to define a macro"
        case .keyword(let keyword):
            return "\"\(keyword.rawValue)\" cannot start a statement"
        case .punctuation(13):
            return "the file has Windows (CRLF) line endings; convert it with dos2unix"
        default:
            return unquotedHint(for: token)
        }
    }

    /// Hints for bytes that an unquoted word cannot hold.
    func unquotedHint(for token: Token) -> String? {
        guard case .punctuation(let byte) = token.kind else {
            if case .keyword(let k) = token.kind {
                return "\"\(k.rawValue)\" is a keyword; quote it (\"\(k.rawValue)\") to use it as a name or value"
            }
            return nil
        }
        if token.fromMacro && byte != UInt8(ascii: "$") {
            return "a macro's value is read again as if written here, so a path in it must carry its own quotes: "
                + "name = '\"/path\"'"
        }
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "."),
            UInt8(ascii: "~"), UInt8(ascii: "|"):
            return "a value that starts with \"\(Character(Unicode.Scalar(byte)))\" must be quoted"
        case UInt8(ascii: "$"):
            return "a macro can be used only at the start of a token, and not inside another macro's value"
        case 13:
            return "the file has Windows (CRLF) line endings; convert it with dos2unix"
        case UInt8(ascii: "{"), UInt8(ascii: "}"):
            return "braces hold an inline table: { a, b } or { k = v }"
        default:
            return nil
        }
    }

    /// For an unexpected word: the keyword it was probably meant to be.
    func keywordSuggestion(for token: Token) -> String? {
        guard case .string(let word) = token.kind, !token.quoted, word.count >= 3 else { return nil }
        let candidates = suggestionCandidates ?? Keyword.allCases.map(\.rawValue)
        guard let close = closest(word, among: candidates), close != word else { return nil }
        return "did you mean `\(close)`?"
    }

    /// "did you mean …?" for a name that is close to one that exists.
    func suggestion(for name: String, among candidates: [String], what: String?) -> String? {
        if let close = closest(name, among: candidates) {
            return "did you mean \"\(close)\"?" + (what.map { " (\($0))" } ?? "")
        }
        return what
    }

    func closest(_ word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance <= max(1, candidate.count / 3), best == nil || distance < best!.1 {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        var beforePrevious = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
