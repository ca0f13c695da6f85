/// A local time as OpenSMTPD's `time_to_text()` prints it in Received and Date headers:
/// `Mon, 5 Jan 2026 09:03:07 +0100 (CET)`, with English names whatever the locale (RFC 5322 §3.3).
///
/// A value, so that the session state machine stays pure: the server reads the clock (``now()``) when it opens the
/// message and hands the result in.
public struct MessageTimestamp: Hashable, Sendable {
    public var year: Int
    /// 1...12.
    public var month: Int
    /// 1...31.
    public var day: Int
    /// 0 (Sunday)...6.
    public var weekday: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// East of UTC.
    public var utcOffsetSeconds: Int
    /// The zone's abbreviation (`CET`, `UTC`), printed in parentheses.
    public var zoneName: String

    public init(year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int, second: Int,
        utcOffsetSeconds: Int, zoneName: String)
    {
        self.year = year
        self.month = month
        self.day = day
        self.weekday = weekday
        self.hour = hour
        self.minute = minute
        self.second = second
        self.utcOffsetSeconds = utcOffsetSeconds
        self.zoneName = zoneName
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `%s, %d %s %d %02d:%02d:%02d %c%02d%02d (%s)`: the day of the month is not padded.
    public var text: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let offset = abs(utcOffsetSeconds)
        let sign = utcOffsetSeconds >= 0 ? "+" : "-"
        let day = Self.days[((weekday % 7) + 7) % 7]
        let month = Self.months[min(max(month, 1), 12) - 1]
        return "\(day), \(self.day) \(month) \(year) \(two(hour)):\(two(minute)):\(two(second)) "
            + "\(sign)\(two(offset / 3600))\(two(offset % 3600 / 60)) (\(zoneName))"
    }
}
