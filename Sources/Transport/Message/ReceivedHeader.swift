/// The Received header Tern puts first in every message, in OpenSMTPD's layout (`smtp_message_begin()`):
///
/// ```
/// Received: from HELO (RDNS [ADDRESS])
/// 	by SERVER (Tern) with ESMTPSA id ID (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) auth=yes user=bob
/// 	for <user@domain>;
/// 	Mon, 5 Jan 2026 09:03:07 +0100 (CET)
/// ```
///
/// `from …` is left out on `mask-src` listeners; the TLS part only on secure sessions, `auth=` only with
/// `received-auth`; `for` only when the message has exactly one recipient. `with` is `SMTP` plus `E` in front after
/// EHLO, `S` after TLS, and `A` once authenticated (RFC 3848). Lines end with LF, as Tern stores messages.
public struct ReceivedHeader: Hashable, Sendable {
    public var helo: String
    /// The client's reverse DNS name, `<unknown>` when none.
    public var reverseName: String
    /// The address without brackets.
    public var clientAddress: String
    public var maskSource: Bool
    public var serverName: String
    public var product: String
    public var usedEHLO: Bool
    public var tls: TLSInfo?
    public var authenticated: Bool
    /// Set when the listener has `received-auth`: nil prints `auth=no`.
    public var receivedAuthUser: String??
    public var messageID: String
    public var singleRecipient: Mailbox?
    public var timestamp: MessageTimestamp

    public init(helo: String, reverseName: String, clientAddress: String, maskSource: Bool = false,
        serverName: String, product: String = "Tern", usedEHLO: Bool, tls: TLSInfo?, authenticated: Bool,
        receivedAuthUser: String?? = nil, messageID: String, singleRecipient: Mailbox?, timestamp: MessageTimestamp)
    {
        self.helo = helo
        self.reverseName = reverseName
        self.clientAddress = clientAddress
        self.maskSource = maskSource
        self.serverName = serverName
        self.product = product
        self.usedEHLO = usedEHLO
        self.tls = tls
        self.authenticated = authenticated
        self.receivedAuthUser = receivedAuthUser
        self.messageID = messageID
        self.singleRecipient = singleRecipient
        self.timestamp = timestamp
    }

    /// The header field, folded as OpenSMTPD folds it, ending with LF.
    public var text: String {
        var text = "Received: "
        if !maskSource { text += "from \(helo) (\(reverseName) [\(clientAddress)])" }
        let with = (usedEHLO ? "E" : "") + "SMTP" + (tls != nil ? "S" : "") + (authenticated ? "A" : "")
        text += "\n\tby \(serverName) (\(product)) with \(with) id \(messageID)"
        if let tls {
            text += " \(tls.receivedText)"
            if let receivedAuthUser {
                text += receivedAuthUser.map { " auth=yes user=\($0)" } ?? " auth=no"
            }
        }
        if let singleRecipient { text += "\n\tfor <\(singleRecipient)>" }
        text += ";\n\t\(timestamp.text)\n"
        return text
    }
}
