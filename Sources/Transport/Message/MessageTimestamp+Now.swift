#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension MessageTimestamp {
    /// The current local time, read with `localtime_r` as OpenSMTPD reads it.
    public static func now() -> MessageTimestamp {
        at(secondsSinceEpoch: Int(time(nil)))
    }

    /// The local time at a given instant.
    public static func at(secondsSinceEpoch: Int) -> MessageTimestamp {
        var clock = time_t(secondsSinceEpoch)
        var parts = tm()
        _ = localtime_r(&clock, &parts)
        let zone = parts.tm_zone.map { String(cString: $0) } ?? "UTC"
        return MessageTimestamp(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1,
            day: Int(parts.tm_mday), weekday: Int(parts.tm_wday), hour: Int(parts.tm_hour),
            minute: Int(parts.tm_min), second: Int(parts.tm_sec), utcOffsetSeconds: Int(parts.tm_gmtoff),
            zoneName: zone)
    }
}
