#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory behind a `TableContents`: every key and value in one byte buffer, one `TableEntryRecord` per
/// entry, and an open-addressing hash index over the keys.
///
/// A file table keeps the file's own bytes as its buffer (keys lowercased in place), so loading a table
/// copies no text at all. Each slot of the index holds the upper half of the key's hash as a tag (so most
/// probes that miss never touch the key) and the entry's position plus one (0 marks an empty slot).
///
/// Immutable once built, except for the sorted key order, which is computed on first use.
final class TableStorage: Sendable {
    let bytes: [UInt8]
    /// Unique keys; when a key repeats, the later entry is the one kept, as OpenSMTPD's `dict_set` does.
    let records: [TableEntryRecord]
    private let slots: [UInt64]
    private let slotMask: Int
    private let lookupOrder = LazyOnce<[UInt32]>()

    /// Builds the index over `records`, dropping earlier duplicates.
    /// - Parameters:
    ///   - bytes: The buffer the records point into. Taken over; changed only to lowercase keys.
    ///   - records: Entries in the order they were read; every range must lie inside `bytes`.
    ///   - lowercasingKeys: Lowercase ASCII letters in keys first (`tolower`, as OpenSMTPD's `lowercase`).
    init(bytes: consuming [UInt8], records: [TableEntryRecord], lowercasingKeys: Bool) {
        if lowercasingKeys {
            bytes.withUnsafeMutableBufferPointer { buffer in
                for record in records {
                    for index in record.keyRange { buffer[index] = CByteClass.lowercased(buffer[index]) }
                }
            }
        }
        let capacity = Self.slotCount(for: records.count)
        var kept = records
        var built = Self.index(kept, in: bytes, capacity: capacity)
        if !built.replaced.isEmpty {
            var unique: [TableEntryRecord] = []
            unique.reserveCapacity(records.count - built.replaced.count)
            for (position, record) in records.enumerated() where !built.replaced.contains(position) {
                unique.append(record)
            }
            kept = unique
            built = Self.index(kept, in: bytes, capacity: capacity)
        }
        self.bytes = bytes
        self.records = kept
        self.slots = built.slots
        self.slotMask = capacity - 1
    }

    /// The position in `records` of the entry whose key is exactly `key`.
    func recordIndex(forKey key: UnsafeRawBufferPointer) -> Int? {
        let hash = TableKeyHash.hash(key)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        return bytes.withUnsafeBytes { storage in
            slots.withUnsafeBufferPointer { slots in
                var position = Int(truncatingIfNeeded: hash) & slotMask
                while true {
                    let slot = slots[position]
                    if slot == 0 { return nil }
                    if slot & 0xFFFF_FFFF_0000_0000 == tag {
                        let index = Int(slot & 0xFFFF_FFFF) - 1
                        if Self.keyEquals(records[index], key, storage) { return index }
                    }
                    position = (position + 1) & slotMask
                }
            }
        }
    }

    /// Positions in `records`, ordered by key bytes as `strcmp` orders them; computed once, on first use.
    var recordsInLookupOrder: [UInt32] {
        lookupOrder.get {
            var order = Array(0..<UInt32(records.count))
            bytes.withUnsafeBytes { storage in
                records.withUnsafeBufferPointer { records in
                    order.sort { Self.keyPrecedes(records[Int($0)], records[Int($1)], storage) }
                }
            }
            return order
        }
    }

    // MARK: - Building

    /// At least one empty slot in three, and a power of two so that a mask finds the slot.
    private static func slotCount(for count: Int) -> Int {
        var capacity = 8
        while capacity < count + count / 2 { capacity <<= 1 }
        return capacity
    }

    private static func index(
        _ records: [TableEntryRecord],
        in bytes: [UInt8],
        capacity: Int
    ) -> (slots: [UInt64], replaced: Set<Int>) {
        var slots = [UInt64](repeating: 0, count: capacity)
        var replaced = Set<Int>()
        let mask = capacity - 1
        // Hashing a batch first leaves the insertion loop with little but its slot accesses, so the processor
        // can have several of those cache misses in flight at once; this halves the time for large tables.
        let batchSize = 256
        var hashes = [UInt64](repeating: 0, count: batchSize)
        bytes.withUnsafeBytes { storage in
            slots.withUnsafeMutableBufferPointer { slots in
                records.withUnsafeBufferPointer { records in
                    hashes.withUnsafeMutableBufferPointer { hashes in
                        var batchStart = 0
                        while batchStart < records.count {
                            let batchEnd = min(batchStart + batchSize, records.count)
                            for index in batchStart..<batchEnd {
                                let key = UnsafeRawBufferPointer(rebasing: storage[records[index].keyRange])
                                hashes[index - batchStart] = TableKeyHash.hash(key)
                            }
                            for index in batchStart..<batchEnd {
                                let hash = hashes[index - batchStart]
                                let tag = hash & 0xFFFF_FFFF_0000_0000
                                let entry = tag | UInt64(index + 1)
                                var position = Int(truncatingIfNeeded: hash) & mask
                                while true {
                                    let slot = slots[position]
                                    if slot == 0 {
                                        slots[position] = entry
                                        break
                                    }
                                    let other = Int(slot & 0xFFFF_FFFF) - 1
                                    if slot & 0xFFFF_FFFF_0000_0000 == tag {
                                        let key = UnsafeRawBufferPointer(rebasing: storage[records[index].keyRange])
                                        if keyEquals(records[other], key, storage) {
                                            replaced.insert(other)
                                            slots[position] = entry
                                            break
                                        }
                                    }
                                    position = (position + 1) & mask
                                }
                            }
                            batchStart = batchEnd
                        }
                    }
                }
            }
        }
        return (slots, replaced)
    }

    // MARK: - Comparing keys

    @inline(__always)
    private static func keyEquals(
        _ record: TableEntryRecord,
        _ key: UnsafeRawBufferPointer,
        _ storage: UnsafeRawBufferPointer
    ) -> Bool {
        guard Int(record.keyLength) == key.count else { return false }
        guard key.count > 0 else { return true }
        return memcmp(storage.baseAddress! + Int(record.keyStart), key.baseAddress!, key.count) == 0
    }

    /// `strcmp` order: bytes compared as unsigned, a prefix first.
    @inline(__always)
    private static func keyPrecedes(
        _ left: TableEntryRecord,
        _ right: TableEntryRecord,
        _ storage: UnsafeRawBufferPointer
    ) -> Bool {
        let common = Int(min(left.keyLength, right.keyLength))
        if common > 0 {
            let order = memcmp(
                storage.baseAddress! + Int(left.keyStart),
                storage.baseAddress! + Int(right.keyStart),
                common
            )
            if order != 0 { return order < 0 }
        }
        return left.keyLength < right.keyLength
    }
}
