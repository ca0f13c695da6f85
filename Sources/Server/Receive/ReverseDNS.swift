import ConfParser
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The forward-confirmed reverse DNS name of a client, as OpenSMTPD looks it up at connect time: the PTR
/// name, kept only if it resolves back to the same address.
///
/// getnameinfo and getaddrinfo block, so the lookup runs on its own queue; an answer that takes longer than
/// `timeout` counts as no name, so a dead resolver delays a greeting by at most that much.
enum ReverseDNS {
    private static let queue = DispatchQueue(label: "tern.reverse-dns", attributes: .concurrent)

    static func lookup(_ address: String, timeout: Duration = .seconds(5)) async -> String? {
        let result = Locked<CheckedContinuation<String?, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            result.withLock { $0 = continuation }
            queue.async {
                let name = confirmedName(address)
                result.withLock { $0?.resume(returning: name); $0 = nil }
            }
            let nanoseconds = UInt64(timeout.components.seconds) * 1_000_000_000
                + UInt64(timeout.components.attoseconds / 1_000_000_000)
            queue.asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
                result.withLock { $0?.resume(returning: nil); $0 = nil }
            }
        }
    }

    static func confirmedName(_ address: String) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST
        var numeric: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, nil, &hints, &numeric) == 0, let entry = numeric else { return nil }
        defer { freeaddrinfo(numeric) }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &host, socklen_t(host.count), nil, 0,
            NI_NAMEREQD) == 0
        else { return nil }
        let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var forward: UnsafeMutablePointer<addrinfo>?
        var forwardHints = addrinfo()
        forwardHints.ai_family = entry.pointee.ai_family
        guard getaddrinfo(name, nil, &forwardHints, &forward) == 0 else { return nil }
        defer { freeaddrinfo(forward) }
        var cursor = forward
        while let candidate = cursor {
            if let text = SystemParserEnvironment.numericHost(candidate.pointee.ai_addr), text == address {
                return name
            }
            cursor = candidate.pointee.ai_next
        }
        return nil
    }
}
