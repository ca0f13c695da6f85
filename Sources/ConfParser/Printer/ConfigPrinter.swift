/// Prints a `Config` as canonical smtpd.conf text: what `smtpd -n -v` shows.
///
/// The text parses, with OpenSMTPD 6.8 and with Tern, to a `Config` equal to the one printed (locations aside),
/// and printing that again gives the same text. Macros were expanded and includes inlined by the parser, so the
/// output has neither.
///
/// Layout: one statement per line, in an order where every name is declared above its first use:
/// global options (smtp, queue, mta, mda limits, scheduler, bounce, srs, admd), mda wrappers, tables, pki, ca,
/// procs, filters (in declaration order), the socket listener, listeners, actions and match rules, each group
/// separated from the next by a blank line.
///
/// Words:
/// - names, paths, commands, messages and other free text are always double-quoted (single-quoted when the text
///   holds `"` but no `'`), so keywords such as `relay` or `domain` stay names;
/// - keywords are bare, and so are the words from a fixed vocabulary (delays such as `4d`, sizes such as `35M`,
///   limit names, `dhe` values) whenever the lexer reads them back as the same single word;
/// - NUMBER positions (ports, limits, `max-deferred`) are bare numbers;
/// - table references are `<"name">`, `{ "a", "b" }`, `{ "k" = "v" }` or one quoted string.
///
/// What cannot be printed faithfully (none of it can come out of the parser):
/// - a newline, NUL, or byte 0x01/0x02 inside a string: the lexer drops a raw newline inside quotes, a NUL there
///   is a syntax error, and 0x01/0x02 are its macro-expansion markers. Those bytes are left out;
/// - a string that ends in a backslash is printed with a `\`-newline continuation before its closing quote
///   (`"C:\\` newline `"`), the only spelling the lexer reads back as a trailing backslash, so that statement
///   spans two lines;
/// - values the grammar has no words for: a `ca` without a cert file, `masquerade` without `senders`, a `backup
///   mx` without `backup`, local options on a relay action and relay options on a local one, an empty
///   `bounce warn-interval`. These are left out. A rule whose `from` or `destination` is nil prints no `from` or
///   `for`, which reads back as `from local` or `for local`, the parser's defaults;
/// - strings longer than the lexer's 8 KiB token limit once quoted.
///
/// [7.x] options (`ciphers`/`protocols` on listeners and relays, several `pki` on a listener, `no-dsn` on the
/// socket) are printed when set; OpenSMTPD 6.8 refuses them, as it refuses the configuration they came from.
///
/// - SeeAlso: smtpd.conf(5); smtpd-conf.md §1 (lexical rules) and §3 (statements).
public enum ConfigPrinter {
    /// The configuration as smtpd.conf text, every line (the last included) ending in a newline.
    ///
    /// - Parameter config: A parsed (or built) configuration.
    /// - Returns: Canonical smtpd.conf text; empty for an empty configuration.
    public static func print(_ config: Config) -> String {
        let sections: [[String]] = [
            globalLines(config.options),
            config.mdaWrappers.map(line(for:)),
            config.tables.map(line(for:)),
            config.pkis.map(line(for:)),
            config.cas.compactMap(line(for:)),
            config.procs.map(line(for:)),
            config.filters.map(line(for:)),
            config.socketListener.map { [line(for: $0)] } ?? [],
            config.listeners.map(line(for:)),
            config.actions.map(line(for:)),
            config.rules.map(line(for:)),
        ]
        return sections.filter { !$0.isEmpty }
            .map { $0.map { $0 + "\n" }.joined() }
            .joined(separator: "\n")
    }
}

/// One statement being written: words joined by single spaces.
struct StatementWords {
    private(set) var words: [String]

    init(_ words: String...) {
        self.words = words
    }

    /// A keyword or an already formatted word.
    mutating func add(_ word: String) {
        words.append(word)
    }

    /// Free text, quoted.
    mutating func add(quoted text: String) {
        words.append(ConfigPrinter.quote(text))
    }

    /// `keyword "value"` when there is a value.
    mutating func add(_ keyword: String, quoted value: String?) {
        guard let value else { return }
        words.append(keyword)
        words.append(ConfigPrinter.quote(value))
    }

    /// `keyword T` when there is a table.
    mutating func add(_ keyword: String, table: TableRef?) {
        guard let table else { return }
        words.append(keyword)
        words.append(ConfigPrinter.table(table))
    }

    /// A bare keyword when the flag is set.
    mutating func add(_ keyword: String, if flag: Bool) {
        if flag { words.append(keyword) }
    }

    var text: String { words.joined(separator: " ") }
}
