extension ConfigPrinter {
    /// The global statements, in the order smtp, queue, mta, mda limits, scheduler, bounce, srs, admd.
    static func globalLines(_ options: GlobalOptions) -> [String] {
        smtpLines(options) + queueLines(options) + mtaLines(options) + limitLines(options)
            + bounceAndSRSLines(options) + (options.admd.map { ["admd " + quote($0)] } ?? [])
    }

    /// `smtp limit …`, `smtp max-message-size …`, `smtp sub-addr-delim …`, `smtp ciphers …`.
    private static func smtpLines(_ options: GlobalOptions) -> [String] {
        var lines: [String] = []
        if options.smtpMaxMails != nil || options.smtpMaxRcpt != nil {
            var limit = StatementWords("smtp", "limit")
            if let mails = options.smtpMaxMails { limit.add("max-mails " + String(mails)) }
            if let rcpt = options.smtpMaxRcpt { limit.add("max-rcpt " + String(rcpt)) }
            lines.append(limit.text)
        }
        if let size = options.smtpMaxMessageSize {
            lines.append("smtp max-message-size " + sizeWord(size, written: options.smtpMaxMessageSizeText))
        }
        if let delimiter = options.subAddressDelimiter {
            lines.append("smtp sub-addr-delim " + quote(delimiter))
        }
        if let ciphers = options.smtpCiphers {
            lines.append("smtp ciphers " + quote(ciphers))
        }
        return lines
    }

    /// A size as it was written: a bare NUMBER when it was digits (`1048576`), else the scaled word (`35M`).
    /// Digits that would not read back as the same text (`035`) are quoted, which keeps the text as written.
    private static func sizeWord(_ size: Int, written: String?) -> String {
        guard let written, written != String(size) else { return String(size) }
        return word(written)
    }

    /// `queue compression`, `queue encryption [KEY]`, `queue ttl DELAY`.
    private static func queueLines(_ options: GlobalOptions) -> [String] {
        var lines: [String] = []
        if options.queueCompression { lines.append("queue compression") }
        switch options.queueEncryption {
        case nil: break
        case .prompt: lines.append("queue encryption")
        case .stdin: lines.append("queue encryption " + quote("stdin"))
        case .key(let key): lines.append("queue encryption " + quote(key))
        }
        if let ttl = options.queueTTL { lines.append("queue ttl " + word(ttl.text)) }
        return lines
    }

    /// `mta max-deferred N`, then one `mta limit [for domain D] …` line per statement written.
    private static func mtaLines(_ options: GlobalOptions) -> [String] {
        var lines: [String] = []
        if let deferred = options.mtaMaxDeferred { lines.append("mta max-deferred " + String(deferred)) }
        for limits in options.mtaLimits {
            var statement = StatementWords("mta", "limit")
            if let domain = limits.domain {
                statement.add("for")
                statement.add("domain", quoted: domain)
            }
            for item in limits.items {
                switch item {
                case .inet4: statement.add("inet4")
                case .inet6: statement.add("inet6")
                case .limit(let limit): statement.add(limitWords(limit))
                }
            }
            lines.append(statement.text)
        }
        return lines
    }

    /// `mda limit …` and `scheduler limit …`, each on one line however many statements set them.
    private static func limitLines(_ options: GlobalOptions) -> [String] {
        var lines: [String] = []
        if !options.mdaLimits.isEmpty {
            lines.append((["mda limit"] + options.mdaLimits.map(limitWords)).joined(separator: " "))
        }
        if !options.schedulerLimits.isEmpty {
            lines.append((["scheduler limit"] + options.schedulerLimits.map(limitWords)).joined(separator: " "))
        }
        return lines
    }

    private static func limitWords(_ limit: GlobalOptions.Limit) -> String {
        word(limit.key) + " " + String(limit.value)
    }

    /// `bounce warn-interval D, D…`, `srs key …`, `srs key backup …`, `srs ttl …`.
    private static func bounceAndSRSLines(_ options: GlobalOptions) -> [String] {
        var lines: [String] = []
        if let intervals = options.bounceWarnIntervals, !intervals.isEmpty {
            lines.append("bounce warn-interval " + intervals.map { word($0.text) }.joined(separator: ", "))
        }
        if let key = options.srsKey { lines.append("srs key " + quote(key)) }
        if let key = options.srsBackupKey { lines.append("srs key backup " + quote(key)) }
        if let ttl = options.srsTTL { lines.append("srs ttl " + word(ttl.text)) }
        return lines
    }

    /// `mda wrapper "NAME" "COMMAND"`.
    static func line(for wrapper: Config.MDAWrapper) -> String {
        "mda wrapper " + quote(wrapper.name) + " " + quote(wrapper.command)
    }
}
