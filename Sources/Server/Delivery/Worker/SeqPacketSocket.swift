#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One end of an AF_UNIX SOCK_SEQPACKET socket pair: whole records, each optionally carrying one open file
/// descriptor (SCM_RIGHTS). Blocking; the owner decides which thread waits on it.
struct SeqPacketSocket: Sendable {
    let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var code: Int32
        var description: String { "\(operation): \(String(cString: strerror(code)))" }
    }

    /// A connected pair, both ends close-on-exec.
    static func pair() throws(Failure) -> (SeqPacketSocket, SeqPacketSocket) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw Failure(operation: "socketpair", code: errno)
        }
        return (SeqPacketSocket(descriptor: fds[0]), SeqPacketSocket(descriptor: fds[1]))
    }

    func close() { _ = Glibc.close(descriptor) }

    /// The space a control message with one descriptor takes (CMSG_SPACE(sizeof(int)), which Swift cannot call).
    private static let controlSpace = MemoryLayout<cmsghdr>.stride + 8
    private static let controlLength = MemoryLayout<cmsghdr>.size + MemoryLayout<Int32>.size

    /// Sends one record, with `attaching` duplicated into the receiver. Never raises SIGPIPE. With `waiting`
    /// false, a full socket fails at once with EAGAIN instead of blocking.
    func send(_ record: [UInt8], attaching passed: Int32? = nil, waiting: Bool = true) throws(Failure) {
        var control = [UInt8](repeating: 0, count: passed == nil ? 0 : Self.controlSpace)
        let result = record.withUnsafeBytes { payload in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress), iov_len: payload.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var header = msghdr()
                    header.msg_iov = vectorPointer
                    header.msg_iovlen = 1
                    if let passed {
                        let cmsg = controlBytes.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
                        cmsg.pointee.cmsg_len = Self.controlLength
                        cmsg.pointee.cmsg_level = SOL_SOCKET
                        cmsg.pointee.cmsg_type = Int32(SCM_RIGHTS)
                        controlBytes.storeBytes(of: passed, toByteOffset: MemoryLayout<cmsghdr>.size, as: Int32.self)
                        header.msg_control = controlBytes.baseAddress
                        header.msg_controllen = controlBytes.count
                    }
                    while true {
                        let sent = sendmsg(descriptor, &header, Int32(MSG_NOSIGNAL) | (waiting ? 0 : Int32(MSG_DONTWAIT)))
                        if sent < 0 && errno == EINTR { continue }
                        return sent < 0 ? errno : 0
                    }
                }
            }
        }
        guard result == 0 else { throw Failure(operation: "sendmsg", code: result) }
    }

    /// Receives one record and the descriptor that came with it (close-on-exec, now owned by the caller).
    /// - Returns: nil when the other end has closed.
    func receive() throws(Failure) -> (record: [UInt8], descriptor: Int32?)? {
        var buffer = [UInt8](repeating: 0, count: WireRecord.maximumSize + 1)
        var control = [UInt8](repeating: 0, count: Self.controlSpace * 2)
        var header = msghdr()
        let (count, code): (Int, Int32) = buffer.withUnsafeMutableBytes { payload in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: payload.baseAddress, iov_len: payload.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    header.msg_iov = vectorPointer
                    header.msg_iovlen = 1
                    header.msg_control = controlBytes.baseAddress
                    header.msg_controllen = controlBytes.count
                    while true {
                        let received = recvmsg(descriptor, &header, Int32(MSG_CMSG_CLOEXEC))
                        if received < 0 && errno == EINTR { continue }
                        return (received, received < 0 ? errno : 0)
                    }
                }
            }
        }
        // A peer that closed with records still unread shows as a reset: for us, too, it has simply gone.
        if count < 0 && code == ECONNRESET { return nil }
        guard count >= 0 else { throw Failure(operation: "recvmsg", code: code) }
        let passed = Self.descriptor(in: control, length: header.msg_controllen)
        if count == 0 && passed == nil { return nil }
        guard header.msg_flags & Int32(MSG_TRUNC | MSG_CTRUNC) == 0, count <= WireRecord.maximumSize else {
            if let passed { _ = Glibc.close(passed) }
            throw Failure(operation: "recvmsg", code: EMSGSIZE)
        }
        return (Array(buffer[..<count]), passed)
    }

    private static func descriptor(in control: [UInt8], length: Int) -> Int32? {
        guard length >= controlLength else { return nil }
        return control.withUnsafeBytes { bytes in
            let cmsg = bytes.loadUnaligned(as: cmsghdr.self)
            guard cmsg.cmsg_level == SOL_SOCKET, cmsg.cmsg_type == Int32(SCM_RIGHTS) else { return nil }
            return bytes.load(fromByteOffset: MemoryLayout<cmsghdr>.size, as: Int32.self)
        }
    }
}
