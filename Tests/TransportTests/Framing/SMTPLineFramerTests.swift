import Testing
@testable import Transport

@Suite("SMTPLineFramer")
struct SMTPLineFramerTests {
    private func lines(_ input: [UInt8], maximum: Int = 100, split: Int? = nil)
        -> (lines: [String], failure: SMTPLineFramer.Failure?)
    {
        var framer = SMTPLineFramer()
        var out: [String] = []
        var chunks: [ArraySlice<UInt8>] = []
        if let split, split < input.count {
            chunks = [input[..<split], input[split...]]
        } else {
            chunks = [input[...]]
        }
        for chunk in chunks {
            framer.append(chunk)
            while let item = framer.nextLine(maximumLength: maximum) {
                switch item {
                case .success(let line): out.append(String(decoding: line, as: UTF8.self))
                case .failure(let failure): return (out, failure)
                }
            }
        }
        return (out, nil)
    }

    @Test func crlfLines() {
        let result = lines(Array("EHLO a\r\nMAIL FROM:<>\r\n\r\npartial".utf8))
        #expect(result.lines == ["EHLO a", "MAIL FROM:<>", ""])
        #expect(result.failure == nil)
    }

    /// Whatever the split point, the same lines come out (the ByteToMessageDecoderVerifier idea).
    @Test func everySplitPointGivesTheSameLines() {
        let input = Array("HELO a\r\nDATA\r\n.x\r\n..\r\n.\r\nQUIT\r\n".utf8)
        let whole = lines(input)
        for split in 0...input.count {
            let result = lines(input, split: split)
            #expect(result.lines == whole.lines && result.failure == whole.failure, "split at \(split)")
        }
    }

    @Test(arguments: [
        ("QUIT\n", SMTPLineFramer.Failure.bareLineFeed),
        ("\n", .bareLineFeed),
        ("QU\rIT\r\n", .bareCarriageReturn),
        ("NOOP\r\r\n", .bareCarriageReturn),
        ("NOOP\r\nQUIT\n", .bareLineFeed),
    ])
    func bareLineEndsAreFailures(_ input: String, _ failure: SMTPLineFramer.Failure) {
        let input = Array(input.utf8)
        for split in 0...input.count {
            #expect(lines(input, split: split).failure == failure)
        }
    }

    @Test func aCRAtTheEndWaitsForTheNextByte() {
        var framer = SMTPLineFramer()
        framer.append(Array("NOOP\r".utf8))
        #expect(framer.nextLine(maximumLength: 10) == nil)
        framer.append([0x0A])
        #expect(framer.nextLine(maximumLength: 10) == .success(ArraySlice("NOOP".utf8)))
    }

    @Test func lengthLimitCountsBytesBeforeCRLF() {
        #expect(lines(Array("abcd\r\n".utf8), maximum: 4).lines == ["abcd"])
        #expect(lines(Array("abcde\r\n".utf8), maximum: 4).failure == .lineTooLong)
        // Reported before any line end arrives.
        #expect(lines(Array("abcde".utf8), maximum: 4).failure == .lineTooLong)
        #expect(lines(Array("abcd\r".utf8), maximum: 4).failure == nil)
    }

    @Test func failuresAreFinal() {
        var framer = SMTPLineFramer()
        framer.append(Array("x\ny\r\n".utf8))
        #expect(framer.nextLine(maximumLength: 10) == .failure(.bareLineFeed))
        #expect(framer.nextLine(maximumLength: 10) == .failure(.bareLineFeed))
    }

    @Test func rawBytesForChunks() {
        var framer = SMTPLineFramer()
        framer.append(Array("BDAT 3\r\na\nbQUIT\r\n".utf8))
        #expect(framer.nextLine(maximumLength: 100) == .success(ArraySlice("BDAT 3".utf8)))
        #expect(framer.nextBytes(upTo: 3).map(Array.init) == Array("a\nb".utf8))
        #expect(framer.nextLine(maximumLength: 100) == .success(ArraySlice("QUIT".utf8)))
        #expect(framer.nextBytes(upTo: 3) == nil)
    }

    @Test func discardReportsTheCount() {
        var framer = SMTPLineFramer()
        framer.append(Array("STARTTLS\r\nMAIL FROM:<a@b>\r\n".utf8))
        _ = framer.nextLine(maximumLength: 100)
        #expect(framer.discardBufferedBytes() == 17)
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func dataLinesAreUnstuffed() {
        #expect(DataLine(ArraySlice(".".utf8)) == .endOfData)
        #expect(DataLine(ArraySlice("..".utf8)) == .content(ArraySlice(".".utf8).dropFirst(0)))
        #expect(DataLine(ArraySlice("..x".utf8)) == .content(ArraySlice(".x".utf8)))
        #expect(DataLine(ArraySlice(".x".utf8)) == .content(ArraySlice("x".utf8)))
        #expect(DataLine(ArraySlice("x.".utf8)) == .content(ArraySlice("x.".utf8)))
        var out: [UInt8] = []
        DataLine.stuff(Array(".hidden".utf8), into: &out)
        DataLine.stuff(Array("plain".utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "..hidden\r\nplain\r\n")
    }
}
