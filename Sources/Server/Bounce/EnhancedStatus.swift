/// RFC 3463 status codes for notifications: the one a server's reply or an error text carries, or a default.
public enum EnhancedStatus {
    /// The `x.y.z` code at the start of `text` or right after a three-digit reply code (`550 5.1.1 …`), if its
    /// class is 2, 4 or 5.
    public static func parse(_ text: String) -> String? {
        var words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        if let first = words.first, first.count >= 3, first.prefix(3).allSatisfy(\.isASCIIDigit) {
            words.removeFirst()
            if let reply = first.dropFirst(3).first, reply == "-" {
                // "550-5.1.1 …": the code follows the hyphen.
                return code(first.dropFirst(4))
            }
        }
        return words.first.flatMap { code($0) }
    }

    /// The code for a failure text, with the class forced to what actually happened (a text saying `4.2.2` on
    /// a permanent failure becomes `5.2.2`), and `x.0.0` when the text has none.
    public static func forFailure(_ text: String, permanent: Bool) -> String {
        let wanted: Character = permanent ? "5" : "4"
        guard let found = parse(text) else { return "\(wanted).0.0" }
        return String(wanted) + found.dropFirst()
    }

    private static func code(_ word: Substring) -> String? {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, ["2", "4", "5"].contains(parts[0]),
            parts[1].count >= 1, parts[1].count <= 3, parts[2].count >= 1, parts[2].count <= 3,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
        else { return nil }
        return String(word)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
