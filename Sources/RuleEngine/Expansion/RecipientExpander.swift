public import ConfParser

/// Turns one RCPT TO into the envelopes to queue, or into the reply that refuses it, as OpenSMTPD's lookup
/// process does (`lka_session.c`).
///
/// Starting from the RCPT address, each address goes through the match rules:
/// - a `relay` action takes it as it is;
/// - a local action with `virtual T` looks it up (`user+tag@domain`, `user@domain`, `user+tag`, `user`,
///   `@domain`, `@`) and expands the value; no entry refuses the recipient with 524;
/// - any other local action turns it into its lowercased user name, which `alias T` may expand (`user+tag`, then
///   `user`); a user name that is not an alias is looked up in the userbase (550 if unknown), and its
///   `~/.forward` may expand it further; otherwise it is delivered.
/// Addresses produced along the way go through the rules again, as internal addresses. Duplicates are dropped;
/// an element more than 10 levels deep, or an expansion that ends with nothing to deliver, fails with 524.
///
/// Tern departs from OpenSMTPD in three places, all noted in `smtpd-conf.md` or the compat notes:
/// - the delivery path and command of each envelope are expanded now rather than at delivery, and a `%{…}` that
///   cannot be expanded safely refuses the recipient (550) instead of bouncing the message later;
/// - as in OpenSMTPD 7.5 and later, an action with `user X` does not read the .forward of other users;
/// - a .forward that names its own user under a `forward-only` or `expand-only` action keeps no local copy:
///   OpenSMTPD would queue one for a delivery process that has no command to run.
///
/// With an SRS decoder, an address whose user part starts with `SRS0=` or `SRS1=` in a message from the null
/// sender (a bounce) is decoded before the rules see it, and the decoded address goes through the rules as an
/// internal one (`from local`), so that the bounce is routed to the original sender; one that does not decode
/// goes on as it was written (OpenSMTPD's `lka_expand`).
///
/// - SeeAlso: aliases(5), forward(5), smtpd.conf(5) "alias", "virtual", "userbase"; `smtpd-conf.md` §6.
public struct RecipientExpander: Sendable {
    let ruleset: Ruleset
    let actions: [String: ResolvedAction]
    let files: any ExpansionFileReader
    let options: ExpansionOptions
    /// `<getpwnam>`, for the home directory of an action's `user` (OpenSMTPD asks getpwnam for it).
    let systemUsers: (any LookupTable)?
    /// `srs key`: decodes SRS recipients of bounces; nil without a key.
    let srs: (any SRSDecoding)?

    /// - Parameters:
    ///   - config: the configuration whose actions deliver.
    ///   - ruleset: the rules, built from the same configuration.
    ///   - tables: where the actions' tables come from.
    ///   - files: the reader of .forward and include files.
    ///   - options: nil takes the sub-address delimiter from `config` and OpenSMTPD's smtpd user.
    ///   - srs: the decoder of SRS addresses, when the configuration has an `srs key`.
    /// - Throws: `MissingTableError` when an action's table is not in `tables`.
    public init(
        config: Config,
        ruleset: Ruleset,
        tables: some TableProvider,
        files: any ExpansionFileReader = SystemExpansionFiles(),
        options: ExpansionOptions? = nil,
        srs: (any SRSDecoding)? = nil
    ) throws(MissingTableError) {
        var actions: [String: ResolvedAction] = [:]
        for action in config.actions {
            actions[action.name] = try ResolvedAction(action, config: config, tables: tables)
        }
        self.ruleset = ruleset
        self.actions = actions
        self.files = files
        self.options = options ?? ExpansionOptions(config: config)
        self.systemUsers = tables.table(named: BuiltinTableName.getpwnam)
        self.srs = srs
    }

    /// Expands one recipient.
    public func expand(_ request: RecipientRequest) -> ExpansionResult {
        var session = ExpansionSession(expander: self, request: request)
        return session.run()
    }
}

extension ExpansionOptions {
    /// The options a configuration sets: its `smtp sub-addr-delim`.
    public init(config: Config, smtpdUser: String = "_smtpd") {
        let delimiter = config.options.subAddressDelimiter?.first
            ?? Character(GlobalOptions.Defaults.subAddressDelimiter)
        self.init(subaddressDelimiter: delimiter, smtpdUser: smtpdUser)
    }
}
