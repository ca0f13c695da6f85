import Glibc
import NIOCore
import Testing
@testable import Transport

/// What a relay records when the connection fails under it: the queue's status line and bounces show it.
@Suite("SMTP client error texts")
struct SMTPClientErrorTextTests {
    @Test func socketErrorsReadAsOpenSMTPDWritesThem() {
        #expect(SMTPClientHandler.describe(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"))
            == "IO Error: Connection reset by peer")
        #expect(SMTPClientHandler.describe(IOError(errnoCode: EPIPE, reason: "write")) == "IO Error: Broken pipe")
    }

    @Test func otherErrorsKeepTheirOwnText() {
        struct Odd: Error, CustomStringConvertible { var description: String { "odd" } }
        #expect(SMTPClientHandler.describe(Odd()) == "Connection error: odd")
    }
}
