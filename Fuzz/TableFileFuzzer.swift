// libFuzzer entry point for the table file loader (`StaticTableFile.parse`). Build and run: Fuzz/README-tables.md.
//
// Besides "never crash", it checks what must hold for any input, so that a wrong reading also counts as a
// finding:
// - a list has no values, a mapping has a non-empty value for every key;
// - a failure carries exactly one OpenSMTPD log line and a line number;
// - parsing is deterministic.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let first = TableFileFuzzCheck.outcome(bytes)
    let second = TableFileFuzzCheck.outcome(bytes)
    precondition(first == second, "parsing the same bytes twice gave different results")

    switch first {
    case .success(let result):
        TableFileFuzzCheck.checkShape(result.contents)
        if let seven = result.openSMTPD7Contents {
            TableFileFuzzCheck.checkShape(seven)
            precondition(seven != result.contents, "a 7.x reading is offered although it equals the 6.8 one")
        }
        precondition(result.warnings.allSatisfy { $0.hasPrefix("/fuzz: ") }, "a warning does not start with the path")
    case .failure(let error):
        precondition(error.logLines.count == 1, "a failure must log exactly one line")
        precondition(error.line != nil, "a content failure must name its line")
        precondition(error.logLines[0] == "/fuzz: invalid map entry line \(error.line!)", "unexpected log line")
    }
    return 0
}

enum TableFileFuzzCheck {
    static func outcome(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<TableLoadResult, TableLoadError> {
        Result { () throws(TableLoadError) in try StaticTableFile.parse(bytes, path: "/fuzz") }
    }

    static func checkShape(_ contents: TableContents) {
        for (key, value) in contents.entries {
            precondition(!key.utf8.contains(0), "a key holds a NUL")
            switch contents.kind {
            case .list:
                precondition(value == nil, "a list entry has a value")
                precondition(!key.isEmpty, "a list entry is empty")
            case .hash:
                precondition(value != nil && !value!.isEmpty, "a mapping entry has no value")
                precondition(!value!.utf8.contains(0), "a value holds a NUL")
            }
        }
    }
}
