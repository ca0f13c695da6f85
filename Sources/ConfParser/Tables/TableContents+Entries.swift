extension TableContents {
    /// Makes contents from a dictionary, keys and values kept exactly as given: for tests and for small tables
    /// built in code. A list's entries have the value `nil`.
    public init(kind: Kind, entries: [String: String?] = [:]) {
        var builder = TableBytesBuilder()
        for (key, value) in entries {
            builder.append(key: key.utf8, value: value?.utf8)
        }
        self.init(kind: kind, storage: builder.makeStorage(lowercasingKeys: false))
    }

    /// Every entry as a dictionary, keys → values (`nil` for list entries).
    ///
    /// This makes a `String` for every key and value: meant for tests and small tables. Lookups should use
    /// `index(forKey:)` and `value(at:)`.
    public var entries: [String: String?] {
        var result: [String: String?] = [:]
        result.reserveCapacity(count)
        for index in indices {
            result[key(at: index)] = .some(value(at: index))
        }
        return result
    }
}

extension TableContents: Hashable {
    /// Same type and same entries, byte for byte, whatever the order they were read in.
    public static func == (left: TableContents, right: TableContents) -> Bool {
        guard left.kind == right.kind, left.count == right.count else { return false }
        if left.storage === right.storage { return true }
        let rightRecords = right.storage.records
        return left.storage.bytes.withUnsafeBytes { leftBytes in
            right.storage.bytes.withUnsafeBytes { rightBytes in
                left.storage.records.allSatisfy { record in
                    let key = UnsafeRawBufferPointer(rebasing: leftBytes[record.keyRange])
                    guard let other = right.storage.recordIndex(forKey: key) else { return false }
                    let otherRecord = rightRecords[other]
                    switch (record.valueRange, otherRecord.valueRange) {
                    case (nil, nil):
                        return true
                    case (let mine?, let theirs?):
                        return leftBytes[mine].elementsEqual(rightBytes[theirs])
                    default:
                        return false
                    }
                }
            }
        }
    }

    /// Order-independent, like `==`: the type and the number of entries.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(count)
    }
}

extension TableContents {
    /// Makes contents as OpenSMTPD's `table_add` fills an inline or built-in table: keys lowercased (ASCII
    /// letters, as `tolower`), a key longer than 1023 bytes dropped (6.8 logs `failed to add`), a repeated key
    /// replacing the earlier one; values kept as written.
    /// - Parameter elements: Keys and values in the order they are added; a list's values are `nil`.
    public init(kind: Kind, addingLowercasedKeys elements: [(key: String, value: String?)]) {
        var builder = TableBytesBuilder()
        for (key, value) in elements where key.utf8.count <= TableContentsBuilder.longestKey {
            builder.append(key: key.utf8, value: value?.utf8)
        }
        self.init(kind: kind, storage: builder.makeStorage(lowercasingKeys: true))
    }
}

extension TableContents: CustomStringConvertible {
    /// `list of 2: a, b` or `hash of 1: "k" → "v"`, at most 20 entries in lookup order, for messages and tests.
    public var description: String {
        let shown = indicesInLookupOrder.prefix(20).map { index in
            value(at: index).map { "\"\(key(at: index))\" → \"\($0)\"" } ?? "\"\(key(at: index))\""
        }
        let more = count > shown.count ? ", … (\(count - shown.count) more)" : ""
        return "\(kind) of \(count): " + shown.joined(separator: ", ") + more
    }
}
