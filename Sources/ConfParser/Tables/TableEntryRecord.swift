/// Where one entry's key and value sit in a table's byte buffer.
///
/// Sixteen bytes an entry instead of two `String`s: a million-line virtual table then costs one allocation
/// for all its text and one for its entries, and freeing it is as cheap. Offsets are 32-bit, so one table's
/// text is limited to 4 GiB (`TableEntryRecord.maximumBufferSize`).
struct TableEntryRecord: Sendable, Hashable {
    var keyStart: UInt32
    var keyLength: UInt32
    var valueStart: UInt32
    /// `noValue` for a list entry.
    var valueLength: UInt32

    static let noValue = UInt32.max
    /// The largest buffer whose every range fits the 32-bit fields.
    static let maximumBufferSize = Int(UInt32.max - 1)

    init(key: Range<Int>, value: Range<Int>?) {
        keyStart = UInt32(truncatingIfNeeded: key.lowerBound)
        keyLength = UInt32(truncatingIfNeeded: key.count)
        valueStart = UInt32(truncatingIfNeeded: value?.lowerBound ?? 0)
        valueLength = value.map { UInt32(truncatingIfNeeded: $0.count) } ?? Self.noValue
    }

    var hasValue: Bool { valueLength != Self.noValue }
    var keyRange: Range<Int> { Int(keyStart)..<Int(keyStart) + Int(keyLength) }
    var valueRange: Range<Int>? { hasValue ? Int(valueStart)..<Int(valueStart) + Int(valueLength) : nil }
}
