/// The rule that keeps a sender from steering a delivery path: what comes from the envelope may fill in a path
/// component, but never create, climb or hide one.
///
/// An expanded path is refused when a byte that came from an envelope value (`sender…`, `rcpt…`, `dest…`,
/// `mbox.from`):
/// - is a `/` (it would add directory levels: `a/b@x` under `/var/vmail/%{dest.user}`);
/// - is part of a path component that is `.` or `..` (it would climb out of the tree);
/// - is the leading `.` of a path component (a hidden directory, which a maildir reader may treat as a folder).
///
/// The administrator's own text (the template, `user.username`, `user.directory`) is trusted. A NUL byte anywhere
/// is refused too, since the file system would cut the path there.
///
/// OpenSMTPD 6.8 gets most of this from RCPT TO validation (`valid_localpart`: dot-atoms only, so no leading
/// `.` and no `..`; `valid_domainpart`: host names or address literals), but lets `/` through in local parts and
/// does not check table values or slices. Tern refuses all of these cases where the path is built.
enum FormatPathSafety {
    static func check(_ expansion: FormatExpansion) throws(FormatError) {
        let bytes = expansion.bytes
        if let nul = bytes.firstIndex(of: 0) {
            throw FormatError(message: "the path would contain a NUL byte", offset: origin(of: nul, in: expansion) ?? 0)
        }
        for value in expansion.envelopeValues where bytes[value.range].contains(UInt8(ascii: "/")) {
            throw FormatError(
                message: "\(value.token) would put a '/' into the path (\"\(FormatBytes.text(bytes[value.range]))\")",
                offset: value.offset
            )
        }
        var componentStart = 0
        for end in bytes.indices.filter({ bytes[$0] == UInt8(ascii: "/") }) + [bytes.count] {
            try checkComponent(componentStart..<end, of: expansion)
            componentStart = end + 1
        }
    }

    private static func checkComponent(_ range: Range<Int>, of expansion: FormatExpansion) throws(FormatError) {
        let component = expansion.bytes[range]
        guard component.first == UInt8(ascii: ".") else { return }
        let isDotOrDotDot = component.count <= 2 && component.allSatisfy { $0 == UInt8(ascii: ".") }
        let offending = isDotOrDotDot ? range.first { origin(of: $0, in: expansion) != nil } : range.lowerBound
        guard let offending, let value = expansion.envelopeValues.first(where: { $0.range.contains(offending) }) else {
            return
        }
        let name = FormatBytes.text(component)
        throw FormatError(
            message: isDotOrDotDot
                ? "\(value.token) would make the path component '\(name)'"
                : "\(value.token) would start the path component '\(name)' with a '.'",
            offset: value.offset
        )
    }

    /// The template offset of the envelope token that produced the byte at `index`, if one did.
    private static func origin(of index: Int, in expansion: FormatExpansion) -> Int? {
        expansion.envelopeValues.first { $0.range.contains(index) }?.offset
    }
}
