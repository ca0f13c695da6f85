/// The text between `%{` and `}`, understood: a variable with either a slice or a list of modifiers.
///
/// Parsing needs no envelope, so the validator (`smtpd -n`) and the expander share it. It follows OpenSMTPD's
/// reading of the token, quirks included:
/// - the first `[` and the first `]` delimit a slice, and the name is what comes before the `[`;
/// - text after the `]` is ignored, unless it holds a `:`, which makes the token invalid (a slice cannot be
///   combined with modifiers, whichever comes first);
/// - without a slice, the first `:` starts a `|`-separated modifier list.
struct FormatToken: Sendable {
    var variable: FormatVariable
    var slice: FormatSlice?
    var modifiers: [FormatModifier]
    /// Text after the `]` that OpenSMTPD skips without complaint (`%{rcpt[0]xyz}` is `%{rcpt[0]}`).
    var ignoredSuffix: String

    init(text: ArraySlice<UInt8>) throws(FormatFault) {
        let open = text.firstIndex(of: UInt8(ascii: "["))
        let close = text.firstIndex(of: UInt8(ascii: "]"))
        var name = text
        ignoredSuffix = ""
        modifiers = []
        slice = nil
        if let open, let close {
            guard open < close else {
                throw FormatFault(message: "']' comes before '[' in '\(FormatBytes.text(text))'")
            }
            guard close - open > 1 else { throw FormatFault(message: "slice [] is invalid: it is empty") }
            slice = try FormatSlice(content: text[(open + 1)..<close])
            name = text[..<open]
            let suffix = text[(close + 1)...]
            if name.contains(UInt8(ascii: ":")) || suffix.contains(UInt8(ascii: ":")) {
                throw FormatFault(message: "a slice cannot be combined with a modifier")
            }
            ignoredSuffix = FormatBytes.text(suffix)
        } else if let colon = text.firstIndex(of: UInt8(ascii: ":")) {
            name = text[..<colon]
            for modifier in text[(colon + 1)...].split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false) {
                modifiers.append(try FormatModifier(name: modifier))
            }
        }
        guard let variable = FormatVariable(name: name) else {
            throw FormatFault(message: "unknown token '\(FormatBytes.text(name))'")
        }
        self.variable = variable
    }

    /// `%{name}` as written in a template, for messages.
    var displayName: String { "%{\(variable.rawValue)}" }

    /// The expanded value: modifiers, then sanitizing, then slicing, in OpenSMTPD's order.
    func value(in context: FormatContext) throws(FormatFault) -> ArraySlice<UInt8> {
        guard var value = variable.value(in: context) else {
            throw FormatFault(message: "%{mda} is only valid inside an mda wrapper")
        }
        guard value.count < FormatBytes.bufferSize else {
            throw FormatFault(message: "the value of \(displayName) is longer than \(FormatBytes.bufferSize - 1) bytes")
        }
        let delimiter = Array(String(context.subaddressDelimiter).utf8)
        for modifier in modifiers {
            value = modifier.apply(to: value, delimiter: delimiter)
        }
        if variable.isSanitized && !modifiers.contains(.raw) {
            value = FormatBytes.sanitized(value)
        }
        // An empty value is never sliced, so `%{sender[-1]}` of the null sender is simply empty.
        guard !value.isEmpty else { return [] }
        let kept = try slice?.apply(to: value) ?? value[...]
        // OpenSMTPD's per-token buffer leaves room for the terminating NUL and one more byte.
        guard kept.count + 1 < FormatBytes.bufferSize else {
            throw FormatFault(message: "\(displayName) expands to more than \(FormatBytes.bufferSize - 2) bytes")
        }
        return kept
    }
}
