extension ConfigPrinter {
    /// `action "NAME" METHOD [options] [ttl DELAY]`.
    ///
    /// Local actions get the local options and relay actions the relay options; the grammar has no place for the
    /// others.
    static func line(for action: Action) -> String {
        var statement = StatementWords("action", quote(action.name), methodWords(action.method))
        if action.method.isLocal {
            addLocalOptions(action, to: &statement)
        } else {
            addRelayOptions(action, to: &statement)
        }
        if let ttl = action.ttl { statement.add("ttl " + word(ttl.text)) }
        return statement.text
    }

    private static func methodWords(_ method: Action.Method) -> String {
        switch method {
        case .mbox:
            return "mbox"
        case .maildir(let path, let junk):
            var statement = StatementWords("maildir")
            if let path { statement.add(quoted: path) }
            statement.add("junk", if: junk)
            return statement.text
        case .lmtp(let destination, let rcptTo):
            return "lmtp " + quote(destination) + (rcptTo ? " rcpt-to" : "")
        case .mda(let command):
            return "mda " + quote(command)
        case .forwardOnly:
            return "forward-only"
        case .expandOnly:
            return "expand-only"
        case .relay:
            return "relay"
        }
    }

    /// `user`, `alias`, `virtual`, `userbase`, `wrapper`.
    private static func addLocalOptions(_ action: Action, to statement: inout StatementWords) {
        statement.add("user", quoted: action.user)
        statement.add("alias", table: action.alias)
        statement.add("virtual", table: action.virtual)
        statement.add("userbase", table: action.userbase)
        statement.add("wrapper", quoted: action.wrapper)
    }

    /// The relay options, `host`/`domain` before `auth` as the grammar requires.
    private static func addRelayOptions(_ action: Action, to statement: inout StatementWords) {
        statement.add("host", table: action.host)
        statement.add("domain", table: action.domain)
        if action.backup {
            statement.add("backup")
            statement.add("mx", quoted: action.backupMX)
        }
        statement.add("auth", table: action.auth)
        switch action.tls {
        case nil: break
        case .required: statement.add("tls")
        case .requiredNoVerify: statement.add("tls no-verify")
        }
        statement.add("helo", quoted: action.helo)
        statement.add("helo-src", table: action.heloSource)
        statement.add("src", table: action.source)
        statement.add("mail-from", quoted: action.mailFrom)
        statement.add("pki", quoted: action.pki)
        statement.add("ca", quoted: action.ca)
        statement.add("ciphers", quoted: action.ciphers)
        statement.add("protocols", quoted: action.protocols)
        if let filter = action.filter { statement.add(filterWords(filter)) }
        statement.add("srs", if: action.srs)
    }
}
