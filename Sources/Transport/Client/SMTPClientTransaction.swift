/// One message for one or more recipients, as the client sends it: MAIL FROM, the RCPTs, DATA.
///
/// Parameters are given as the envelope asks; the client drops those the server does not offer (SIZE, BODY,
/// SMTPUTF8, and the DSN ones without DSN), as OpenSMTPD's mta does.
public struct SMTPClientTransaction: Sendable, Hashable {
    public struct Recipient: Sendable, Hashable {
        public var path: MailPath
        public var parameters: RecipientParameters

        public init(path: MailPath, parameters: RecipientParameters = RecipientParameters()) {
            self.path = path
            self.parameters = parameters
        }
    }

    public var sender: MailPath
    public var parameters: MailParameters
    /// Never empty.
    public var recipients: [Recipient]
    /// The message as queued: LF line ends, dot-stuffing removed (``SMTPDataEncoder`` makes the wire form).
    public var body: [UInt8]

    public init(sender: MailPath, parameters: MailParameters = MailParameters(), recipients: [Recipient],
        body: [UInt8])
    {
        precondition(!recipients.isEmpty, "a transaction needs a recipient")
        self.sender = sender
        self.parameters = parameters
        self.recipients = recipients
        self.body = body
    }
}
