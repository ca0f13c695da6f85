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
/// `timeout` (give or take the sweep interval) counts as no name, so a dead resolver delays a greeting by at
/// most that much. The deadlines are kept in one table that a single timer sweeps twice a second, rather than
/// one timer per lookup: arming and firing a dispatch timer per connection cost three thread wake-ups each,
/// for lookups that almost always answer within a millisecond.
enum ReverseDNS {
    private static let queue = DispatchQueue(label: "tern.reverse-dns", attributes: .concurrent)
    private static let waiting = Locked(WaitingLookups())
    /// Started by the first lookup; it runs for the life of the process.
    private static let sweeper: Locked<any DispatchSourceTimer> = {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tern.reverse-dns.deadlines"))
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500), leeway: .milliseconds(100))
        timer.setEventHandler {
            let expired = waiting.withLock { $0.takeExpired(now: .now()) }
            for continuation in expired { continuation.resume(returning: nil) }
        }
        timer.resume()
        return Locked(timer)
    }()

    static func lookup(_ address: String, timeout: Duration = .seconds(5)) async -> String? {
        _ = sweeper
        return await withCheckedContinuation { continuation in
            let ticket = waiting.withLock {
                $0.add(continuation, deadline: .now() + .nanoseconds(Int(timeout / .nanoseconds(1))))
            }
            queue.async {
                let name = confirmedName(address)
                waiting.withLock { $0.take(ticket) }?.resume(returning: name)
            }
        }
    }

    /// Lookups in flight and their deadlines; whoever takes a continuation out resumes it, once.
    struct WaitingLookups {
        private var next: UInt64 = 0
        private var entries: [UInt64: (deadline: DispatchTime, continuation: CheckedContinuation<String?, Never>)] = [:]

        mutating func add(_ continuation: CheckedContinuation<String?, Never>, deadline: DispatchTime) -> UInt64 {
            next += 1
            entries[next] = (deadline, continuation)
            return next
        }

        mutating func take(_ ticket: UInt64) -> CheckedContinuation<String?, Never>? {
            entries.removeValue(forKey: ticket)?.continuation
        }

        mutating func takeExpired(now: DispatchTime) -> [CheckedContinuation<String?, Never>] {
            guard !entries.isEmpty else { return [] }
            let expired = entries.filter { $0.value.deadline <= now }
            for ticket in expired.keys { entries[ticket] = nil }
            return expired.values.map(\.continuation)
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
