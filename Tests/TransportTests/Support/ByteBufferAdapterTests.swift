import NIOCore
import Testing
@testable import Transport

@Suite("ByteBuffer adapters")
struct ByteBufferAdapterTests {
    @Test func machineReadsByteBuffers() {
        var machine = SMTPSessionStateMachine(configuration: .test(), client: SMTPClientInfo(address: "192.0.2.1"))
        _ = machine.start()
        _ = machine.answer(.connect(.accept()))
        let actions = machine.receive(ByteBuffer(string: "NOOP\r\n"))
        #expect(actions.first == .send(Replies.ok))
    }

    @Test func writesRepliesAndCommands() {
        var buffer = ByteBuffer()
        buffer.writeSMTPReply(Replies.bye)
        buffer.writeSMTPCommand(.quit)
        #expect(buffer.readString(length: buffer.readableBytes) == "221 2.0.0 Bye\r\nQUIT\r\n")
    }
}
