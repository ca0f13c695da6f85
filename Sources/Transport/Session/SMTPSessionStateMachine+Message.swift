/// DATA and BDAT: opening the message, taking its content, and ending it.
extension SMTPSessionStateMachine {
    /// `smtp_check_data`: arguments, then a transaction with recipients; Tern adds RFC 3030 §2's rule that a
    /// transaction started with BDAT cannot switch to DATA.
    mutating func handleData(_ parsed: Parsed) {
        guard command(parsed) != nil else { return }
        guard let current, !current.usedBDAT else { return sendError(Replies.notAllowedHere) }
        guard !current.info.recipients.isEmpty else { return sendError(Replies.noRecipient) }
        ask(.openMessage, pending: .openMessage(.data))
    }

    /// `BDAT size [LAST]` (RFC 3030). The chunk's octets always follow the command, so whatever the verdict they
    /// are read (and dropped when refused) before the reply: only a size that cannot be read leaves the two sides
    /// out of step, and that ends the session.
    mutating func handleBDAT(_ parsed: Parsed) {
        guard case .success(.bdat(let size, let last)) = parsed else {
            if case .failure(let error) = parsed { send(error.reply) }
            return close()
        }
        var disposition = ChunkDisposition.append
        if current == nil {
            disposition = .discard(Replies.notAllowedHere)
        } else if current!.info.recipients.isEmpty {
            disposition = .discard(Replies.noRecipient)
        } else if current!.chunkOctets + size > configuration.maximumMessageSize {
            disposition = .discard(Replies.messageTooBig)
        }
        guard case .append = disposition else {
            phase = .chunk(remaining: size, size: size, last: last, disposition: disposition)
            return
        }
        current!.usedBDAT = true
        current!.chunkOctets += size
        guard current!.assembler != nil else {
            return ask(.openMessage, pending: .openMessage(.chunk(size: size, last: last)))
        }
        phase = .chunk(remaining: size, size: size, last: last, disposition: .append)
    }

    /// The policy opened the message file: start it with the Received header.
    mutating func messageOpened(timestamp: MessageTimestamp, uniqueToken: UInt64) {
        guard let info = current?.info else { preconditionFailure("message opened without a transaction") }
        let received = ReceivedHeader(helo: session.helo ?? "", reverseName: session.client.reverseName ?? "<unknown>",
            clientAddress: session.client.address, maskSource: configuration.maskSource,
            serverName: session.serverName, product: configuration.product, usedEHLO: session.usedEHLO,
            tls: session.tls, authenticated: session.isAuthenticated,
            receivedAuthUser: configuration.receivedAuth ? .some(session.authenticatedUser) : nil,
            messageID: info.messageID, singleRecipient: info.recipients.count == 1 ? info.recipients[0].mailbox : nil,
            timestamp: timestamp)
        var missing: (date: String, messageID: String)?
        if configuration.addsMissingHeaders || session.isAuthenticated {
            missing = (timestamp.text, "<\(Self.hex16(uniqueToken))@\(configuration.serverName)>")
        }
        let masquerade = configuration.masqueradesFrom && session.isAuthenticated ? info.sender.mailbox?.description : nil
        current!.assembler = MessageAssembler(maximumSize: configuration.maximumMessageSize,
            stripsBcc: configuration.stripsBcc, prefix: received.text, missingHeaders: missing,
            masqueradeSender: masquerade)
        current!.splitter = ChunkLineSplitter(maximumLength: configuration.maximumTextLineLength)
    }

    mutating func appendMessageLine(_ line: ArraySlice<UInt8>) {
        current!.assembler!.append(line: line)
        if current!.assembler!.output.count >= Self.messageDataBatchSize { flushMessageData() }
    }

    mutating func appendChunkData(_ bytes: ArraySlice<UInt8>) {
        // Moved out while fed, so that neither copy is shared (and copied) on write.
        var assembler = current!.assembler!
        var splitter = current!.splitter!
        current!.assembler = nil
        current!.splitter = nil
        splitter.feed(bytes) { assembler.append(line: $0) }
        if let failure = splitter.failure { assembler.fail(.framing(failure)) }
        current!.assembler = assembler
        current!.splitter = splitter
        if assembler.output.count >= Self.messageDataBatchSize { flushMessageData() }
    }

    mutating func endOfChunk(size: Int, last: Bool, disposition: ChunkDisposition) {
        phase = .commands
        if case .discard(let reply) = disposition {
            if reply == Replies.messageTooBig { abortTransaction() }
            return reply == Replies.messageTooBig ? send(reply) : sendError(reply)
        }
        if last {
            var assembler = current!.assembler!
            var splitter = current!.splitter!
            current!.assembler = nil
            splitter.finish { assembler.append(line: $0) }
            if let failure = splitter.failure { assembler.fail(.framing(failure)) }
            current!.assembler = assembler
            current!.splitter = splitter
            return endOfMessage()
        }
        if let failure = current!.assembler!.failure {
            abortTransaction()
            return send(Self.reply(for: failure))
        }
        send(Replies.chunkReceived(octets: size))
    }

    /// The final `.` or the LAST chunk: refuse the message, or ask for the commit.
    mutating func endOfMessage() {
        commandForLog = "."
        phase = .commands
        current!.assembler!.finish()
        if let failure = current!.assembler!.failure {
            abortTransaction()
            return send(Self.reply(for: failure))
        }
        flushMessageData()
        ask(.commitMessage(size: current!.assembler!.size), pending: .commit)
    }

    static func reply(for failure: MessageAssembler.Failure) -> SMTPReply {
        switch failure {
        case .tooBig: Replies.messageTooBig
        case .loop: Replies.loopDetected
        case .malformed: Replies.notRFC5322
        case .nul: Replies.nulCharacters
        case .framing(.bareLineFeed): Replies.bareLineFeed(inMessage: true)
        case .framing(.bareCarriageReturn): Replies.bareCarriageReturn(inMessage: true)
        case .framing(.lineTooLong): Replies.lineTooLong
        }
    }

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
