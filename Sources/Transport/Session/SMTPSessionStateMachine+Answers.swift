/// The policy's answers, each resuming the command that asked.
extension SMTPSessionStateMachine {
    /// The answer to the last ``SMTPSessionAction/ask(_:)``. Buffered pipelined input is processed right after.
    /// An answer that arrives after the connection closed is ignored.
    /// - Precondition: a question is out and `answer` is of its kind.
    public mutating func answer(_ answer: SessionPolicyAnswer) -> [SMTPSessionAction] {
        if isClosed { return [] }
        guard case .waiting(let pending) = phase else { preconditionFailure("no policy question is out") }
        phase = .commands
        switch (pending, answer) {
        case (.connect, .connect(let decision)):
            switch decision {
            case .accept(let name, let reverseName):
                if let name { session.serverName = name }
                if let reverseName { session.client.reverseName = reverseName }
                send(Replies.banner(serverName: session.serverName, product: configuration.product))
            case .acceptThenIdentify(let name):
                if let name { session.serverName = name }
                send(Replies.banner(serverName: session.serverName, product: configuration.product))
                ask(.identifyClient, pending: .identifyClient)
            case .reject(let reply):
                send(reply)
                close()
            }
        case (.identifyClient, .identifyClient(let reverseName)):
            if let reverseName { session.client.reverseName = reverseName }
        case (.authenticate(let username), .authenticate(let result)):
            switch result {
            case .success:
                session.isAuthenticated = true
                session.authenticatedUser = username
                send(Replies.authenticationSucceeded)
            case .failure:
                send(Replies.authenticationFailed)
            case .temporaryFailure:
                send(Replies.temporaryFailure)
            }
        case (.mailFrom(let sender, let parameters), .mailFrom(let decision)):
            switch decision {
            case .accept(let messageID):
                current = Transaction(info: SMTPTransactionInfo(messageID: messageID, sender: sender,
                    parameters: parameters, recipients: []))
                send(Replies.ok)
            case .senderRejected: send(Replies.senderRejected)
            case .temporaryFailure: send(Replies.temporaryError)
            case .reject(let reply): send(reply)
            }
        case (.rcptTo(let recipient), .rcptTo(let decision)):
            switch decision {
            case .accept:
                current!.info.recipients.append(recipient)
                send(Replies.recipientOK)
            case .reject(let rejection):
                send(Replies.recipientRejected(rejection, address: recipient.mailbox.description))
            }
        case (.openMessage(let purpose), .openMessage(let opening)):
            switch opening {
            case .opened(let timestamp, let uniqueToken):
                messageOpened(timestamp: timestamp, uniqueToken: uniqueToken)
                switch purpose {
                case .data:
                    send(Replies.enterMail)
                    phase = .message
                case .chunk(let size, let last):
                    phase = .chunk(remaining: size, size: size, last: last, disposition: .append)
                }
            case .failed:
                send(Replies.temporaryError)
            }
        case (.commit, .commitMessage(let result)):
            switch result {
            case .accepted:
                let id = current!.info.messageID
                current = nil
                session.messageCount += 1
                send(Replies.messageAccepted(id: id))
                output.append(.event(.messageAccepted(messageID: id)))
            case .failed(let reply):
                abortTransaction()
                send(reply ?? Replies.temporaryFailure)
            }
        default:
            preconditionFailure("answer \(answer) does not match the question")
        }
        drive()
        return finish()
    }
}
