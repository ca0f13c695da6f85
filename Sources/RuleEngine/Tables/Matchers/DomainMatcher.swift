/// OpenSMTPD's domain matcher (`hostname_match` in util.c), used by the `domain` service: `for domain`,
/// `helo`, and the domain half of a mail address pattern.
///
/// ASCII letters compare without case. A `*` in the pattern skips the name forward to the first occurrence
/// of the pattern's next character, and never backtracks. So `*.example.org` matches `a.example.org` but not
/// `a.b.example.org` (the `*` stops at the first dot), and a lone `*` matches any non-empty name.
///
/// - SeeAlso: smtpd-conf.md §5 and §14, item 3.
enum DomainMatcher {
    /// Whether `name` (from the session) matches `pattern` (from the table).
    static func matches(_ name: UnsafeRawBufferPointer, pattern: UnsafeRawBufferPointer) -> Bool {
        var n = 0
        var p = 0
        while p < pattern.count && n < name.count {
            if pattern[p] == UInt8(ascii: "*") {
                while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
                // At the pattern's end the C code looks for NUL, which a name never holds: the rest is skipped.
                let next = p < pattern.count ? TableLookupKey.fold(pattern[p]) : 0
                while n < name.count && TableLookupKey.fold(name[n]) != next { n += 1 }
                continue
            }
            guard TableLookupKey.fold(pattern[p]) == TableLookupKey.fold(name[n]) else { return false }
            p += 1
            n += 1
        }
        return n == name.count && p == pattern.count
    }

    /// `matches` for strings.
    static func matches(_ name: String, pattern: String) -> Bool {
        var name = name
        var pattern = pattern
        return name.withUTF8 { name in
            pattern.withUTF8 { pattern in
                matches(UnsafeRawBufferPointer(name), pattern: UnsafeRawBufferPointer(pattern))
            }
        }
    }
}
