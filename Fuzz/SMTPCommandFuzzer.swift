// libFuzzer target for the SMTP wire grammar: the line framer, the command parser and encoder, dot-unstuffing,
// and the client-side reply parser. Build and run: scripts/fuzz.sh smtp SECONDS.
//
// Besides "never traps", it checks the promises these types make:
// - every framed line is free of CR and LF, and no line is longer than the limit asked for;
// - a command that parses encodes to a line that parses back to the same command (canonical round trip);
// - AUTH data never shows in a command's description;
// - a parse error's reply is a well-formed single line;
// - dot-stuffing then unstuffing gives the line back;
// - a reply that parses encodes to bytes that parse back to the same reply.

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

private func fuzzCommand(_ line: ArraySlice<UInt8>) {
    let command: SMTPCommand
    do {
        command = try SMTPCommand.parse(line)
    } catch {
        let reply = error.reply
        check(reply.lines.count == 1 && (500...599).contains(reply.code), "bad error reply \(reply)")
        check(!reply.encoded.dropLast(2).contains { $0 == 0x0D || $0 == 0x0A }, "CR/LF inside a reply")
        return
    }
    if case .unknown = command { return }
    let encoded = command.encoded
    check(encoded.suffix(2) == [0x0D, 0x0A], "no CRLF")
    let again: SMTPCommand
    do {
        again = try SMTPCommand.parse(encoded.dropLast(2))
    } catch {
        fatalError("\(command) encodes to a line that does not parse: \(error.reply)")
    }
    check(again == command, "round trip changed \(command) into \(again)")
    if case .auth(let mechanism, _?) = command {
        check(command.description == "AUTH \(mechanism) ********", "AUTH data in a description")
    }
}

private func fuzzReplies(_ lines: [ArraySlice<UInt8>]) {
    var parser = SMTPReplyParser(maximumLines: 50)
    for line in lines {
        let reply: SMTPReply?
        do {
            reply = try parser.parse(line: line)
        } catch {
            parser = SMTPReplyParser(maximumLines: 50)
            continue
        }
        guard let reply else { continue }
        var again = SMTPReplyParser(maximumLines: 50)
        var result: SMTPReply?
        let wire = reply.encoded
        var start = 0
        for index in wire.indices where index > 0 && wire[index - 1] == 0x0D && wire[index] == 0x0A {
            result = try? again.parse(line: wire[start..<index - 1])
            start = index + 1
        }
        check(result == reply, "reply round trip: \(reply) became \(String(describing: result))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The first byte picks the line limit (small limits reach the too-long paths) and how the input is split.
    let limit = Int(bytes[0] & 0x3F) * 16 + 1
    let split = Int(bytes[0] >> 6)
    var framer = SMTPLineFramer()
    var lines: [ArraySlice<UInt8>] = []
    var index = 1
    var step = 1
    framing: while index < bytes.count {
        let end = split == 0 ? bytes.count : min(bytes.count, index + step)
        framer.append(bytes[index..<end])
        index = end
        step = step % 7 + split
        while let item = framer.nextLine(maximumLength: limit) {
            switch item {
            case .success(let line):
                check(line.count <= limit, "line over the limit")
                check(!line.contains(0x0D) && !line.contains(0x0A), "CR or LF inside a line")
                lines.append(line)
            case .failure:
                break framing
            }
        }
    }
    for line in lines {
        fuzzCommand(line)
        if case .content(let content) = DataLine(line) {
            var stuffed: [UInt8] = []
            DataLine.stuff(content, into: &stuffed)
            check(DataLine(stuffed.dropLast(2)) == .content(content), "stuffing round trip")
        }
    }
    fuzzReplies(lines)
    return 0
}
