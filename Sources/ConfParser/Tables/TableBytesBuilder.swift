/// Builds a `TableStorage` by copying keys and values into a fresh buffer: for tables that do not come from
/// a text file (Berkeley DB records, dictionaries, inline tables).
struct TableBytesBuilder {
    private(set) var bytes: [UInt8] = []
    private(set) var records: [TableEntryRecord] = []

    init(expectedCount: Int = 0) {
        records.reserveCapacity(expectedCount)
    }

    /// The buffer has room for every range a record can hold.
    var hasRoom: Bool { bytes.count < TableEntryRecord.maximumBufferSize }

    /// Adds an entry; a later entry with the same key replaces it when the storage is made.
    mutating func append(key: some Collection<UInt8>, value: (some Collection<UInt8>)?) {
        let keyStart = bytes.count
        bytes.append(contentsOf: key)
        let keyRange = keyStart..<bytes.count
        var valueRange: Range<Int>?
        if let value {
            let valueStart = bytes.count
            bytes.append(contentsOf: value)
            valueRange = valueStart..<bytes.count
        }
        records.append(TableEntryRecord(key: keyRange, value: valueRange))
    }

    consuming func makeStorage(lowercasingKeys: Bool) -> TableStorage {
        TableStorage(bytes: bytes, records: records, lowercasingKeys: lowercasingKeys)
    }
}
