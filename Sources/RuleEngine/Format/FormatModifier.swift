/// One of the `:mod1|mod2` transformations, applied left to right before sanitizing and slicing.
enum FormatModifier: String, CaseIterable, Sendable {
    /// ASCII letters to lower case.
    case lowercase
    /// ASCII letters to upper case.
    case uppercase
    /// Drops a sub-address: from the first delimiter up to, not including, the `@` (or to the end if there is no
    /// `@`). `User+Tag@x` becomes `User@x`, `User+Tag` becomes `User`.
    case strip
    /// Turns sanitizing off; its position in the list does not matter.
    case raw

    /// Looks a modifier up, ignoring ASCII case as OpenSMTPD's `strcasecmp` does.
    init(name: ArraySlice<UInt8>) throws(FormatFault) {
        let folded = name.map { FormatBytes.lowercased($0) }
        guard let match = Self.allCases.first(where: { Array($0.rawValue.utf8) == folded }) else {
            throw FormatFault(
                message: name.isEmpty
                    ? "a modifier is empty (check for a stray ':' or '|')"
                    : "modifier '\(FormatBytes.text(name))' is unknown (use lowercase, uppercase, strip or raw)"
            )
        }
        self = match
    }

    /// Applies the modifier (`raw` is handled by the caller, as it changes what happens afterwards).
    func apply(to value: [UInt8], delimiter: [UInt8]) -> [UInt8] {
        switch self {
        case .lowercase: value.map(FormatBytes.lowercased)
        case .uppercase: value.map(FormatBytes.uppercased)
        case .raw: value
        case .strip: Self.stripped(value, delimiter: delimiter)
        }
    }

    private static func stripped(_ value: [UInt8], delimiter: [UInt8]) -> [UInt8] {
        guard let tag = FormatBytes.firstIndex(of: delimiter, in: value) else { return value }
        guard let at = value[tag...].firstIndex(of: UInt8(ascii: "@")) else { return Array(value[..<tag]) }
        return Array(value[..<tag] + value[at...])
    }
}
