extension SMTPCommand {
    /// Parses one command line (without its CRLF) with OpenSMTPD's tolerance (`smtp_command()`).
    ///
    /// - The verb is matched case-insensitively. `MAIL FROM:` and `RCPT TO:` are verbs with their colon; the
    ///   argument starts after the colon, so `MAIL FROM:<a@b>` and `MAIL FROM: <a@b>` are both accepted, but
    ///   `MAIL FROM <a@b>` and `MAIL  FROM:` are unrecognized, as in OpenSMTPD.
    /// - Other verbs end at the first space; whitespace after it is skipped. A verb followed by a tab is not
    ///   recognized (OpenSMTPD looks for a space only).
    /// - Commands without arguments refuse them (`500 5.5.4 … command does not accept arguments.`), but trailing
    ///   spaces are forgiven, which OpenSMTPD does not do. NOOP takes and ignores any argument (OpenSMTPD 7.x).
    /// - Argument errors carry OpenSMTPD's reply; the session sends it only after its own state checks pass.
    /// - Parameter line: the line without CRLF.
    /// - Returns: the command; ``unknown(_:)`` for an unrecognized verb.
    public static func parse(_ line: some Collection<UInt8>) throws(SMTPCommandError) -> SMTPCommand {
        let line = ArraySlice(line)
        let verbEnd: ArraySlice<UInt8>.Index?
        if ByteClass.hasPrefix(line, caseInsensitive: "mail from:")
            || ByteClass.hasPrefix(line, caseInsensitive: "rcpt to:")
        {
            verbEnd = line.firstIndex(of: UInt8(ascii: ":"))
        } else {
            verbEnd = line.firstIndex(of: ByteClass.space)
        }
        let verbBytes = verbEnd.map { line[..<$0] } ?? line
        let arguments = verbEnd.map { line[line.index(after: $0)...].drop(while: ByteClass.isSpace) }
        guard let verb = Verb.allCases.first(where: { ByteClass.equal(verbBytes, caseInsensitive: $0.rawValue) })
        else { return .unknown(ByteClass.string(line)) }

        func fail(_ reply: SMTPReply) -> SMTPCommandError { SMTPCommandError(verb: verb, reply: reply) }
        func noArguments(_ command: SMTPCommand) throws(SMTPCommandError) -> SMTPCommand {
            guard arguments?.allSatisfy({ $0 == ByteClass.space }) ?? true else {
                throw fail(Replies.noArgumentsAccepted)
            }
            return command
        }

        switch verb {
        case .helo, .ehlo:
            guard let arguments else { throw fail(Replies.missingDomain(verb: verb.rawValue)) }
            var domain = arguments
            while domain.last.map(ByteClass.isSpace) == true { domain.removeLast() }
            guard AddressSyntax.isValidDomain(domain, allowUTF8: false) else { throw fail(Replies.invalidDomain) }
            let name = ByteClass.string(domain)
            return verb == .helo ? .helo(domain: name) : .ehlo(domain: name)
        case .mail:
            return try parseMail(arguments ?? [], fail: fail)
        case .rcpt:
            return try parseRcpt(arguments ?? [], fail: fail)
        case .data: return try noArguments(.data)
        case .rset: return try noArguments(.rset)
        case .quit: return try noArguments(.quit)
        case .help: return try noArguments(.help)
        case .noop: return .noop
        case .vrfy: return .vrfy(ByteClass.string(arguments ?? []))
        case .expn: return .expn(ByteClass.string(arguments ?? []))
        case .startTLS:
            guard arguments?.allSatisfy({ $0 == ByteClass.space }) ?? true else {
                throw fail(Replies.noParametersAllowed)
            }
            return .startTLS
        case .auth:
            guard let arguments, !arguments.isEmpty else { throw fail(Replies.noParametersGiven) }
            // smtp_proceed_auth(): the mechanism ends at the first space, or else at the first tab.
            let end = arguments.firstIndex(of: ByteClass.space) ?? arguments.firstIndex(of: ByteClass.tab)
            let mechanism = ByteClass.string(end.map { arguments[..<$0] } ?? arguments)
            let response = end.map { ByteClass.string(arguments[arguments.index(after: $0)...]) }
            return .auth(mechanism: mechanism, initialResponse: response.map(SASLInitialResponse.init))
        case .bdat:
            return try parseBDAT(arguments ?? [], fail: fail)
        }
    }

    private static func parseMail(_ arguments: ArraySlice<UInt8>, fail: (SMTPReply) -> SMTPCommandError)
        throws(SMTPCommandError) -> SMTPCommand
    {
        guard let (inside, rest) = MailPath.split(arguments),
            let path = try? MailPath.parse(inside: inside, allowNull: true)
        else { throw fail(Replies.senderSyntaxError) }
        let parameters: MailParameters
        do {
            parameters = try MailParameters.parse(rest)
        } catch {
            switch error {
            case .unsupported(let option): throw fail(Replies.unsupportedMailOption(option))
            case .tooLarge(let option): throw fail(Replies.optionTooLarge(option))
            }
        }
        guard path.isASCII || parameters.smtpUTF8 else { throw fail(Replies.nonASCIIAddress) }
        return .mail(from: path, parameters: parameters)
    }

    private static func parseRcpt(_ arguments: ArraySlice<UInt8>, fail: (SMTPReply) -> SMTPCommandError)
        throws(SMTPCommandError) -> SMTPCommand
    {
        guard let (inside, rest) = MailPath.split(arguments),
            let path = try? MailPath.parse(inside: inside, allowNull: false)
        else { throw fail(Replies.recipientSyntaxError) }
        do {
            return .rcpt(to: path, parameters: try RecipientParameters.parse(rest))
        } catch {
            switch error {
            case .unsupported(let option): throw fail(Replies.unsupportedRecipientOption(option))
            case .notifyNeverCombined: throw fail(Replies.notifyNeverCombined)
            case .originalRecipientSyntax: throw fail(Replies.originalRecipientSyntaxError)
            }
        }
    }

    /// `BDAT SP chunk-size [SP end-marker]` (RFC 3030 §2); the size must fit an `Int`.
    private static func parseBDAT(_ arguments: ArraySlice<UInt8>, fail: (SMTPReply) -> SMTPCommandError)
        throws(SMTPCommandError) -> SMTPCommand
    {
        let words = arguments.split(separator: ByteClass.space)
        guard (1...2).contains(words.count), (1...18).contains(words[0].count),
            words[0].allSatisfy(ByteClass.isDigit), let size = Int(ByteClass.string(words[0]))
        else { throw fail(Replies.bdatSyntaxError) }
        if words.count == 2 {
            guard ByteClass.equal(words[1], caseInsensitive: "LAST") else { throw fail(Replies.bdatSyntaxError) }
        }
        return .bdat(size: size, last: words.count == 2)
    }
}
