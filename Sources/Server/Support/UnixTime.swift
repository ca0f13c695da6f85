#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock seconds, as envelopes store them.
enum UnixTime {
    static func now() -> Int64 { Int64(time(nil)) }
}
