// libFuzzer entry point for the smtpd.conf lexer and parser. Build and run with scripts/fuzz.sh confparser.
//
// The input is the configuration file; an include of "inc.conf" reads the input again, so include handling
// (and loop refusal) is exercised too. Nothing touches the network or the disk: the environment is fixed.

struct FuzzEnvironment: ParserEnvironment {
    func interfaceAddresses(_ name: String) -> [String]? { name == "lo" ? ["127.0.0.1", "::1"] : nil }
    func resolveHost(_ name: String) -> [String]? { name == "localhost" ? ["127.0.0.1"] : nil }
    func servicePort(_ name: String) -> Int? { ["smtp": 25, "submission": 587, "smtps": 465][name] }
    func hasTableHelper(_ backend: String) -> Bool { backend == "sqlite" }
    func loadStaticTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        Result { () throws(TableLoadError) in try StaticTableFile.parse(Array(path.utf8), path: path) }
    }
    func loadDBTable(path: String) -> Result<TableLoadResult, TableLoadError> {
        Result { () throws(TableLoadError) in try StaticTableFile.parse(Array(path.utf8), path: path) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reader = InMemorySourceReader(bytes: ["fuzz.conf": bytes, "inc.conf": bytes])
    let result = ConfigParser.parse(path: "fuzz.conf", reader: reader, environment: FuzzEnvironment())
    if !result.failed, let config = result.config {
        // A configuration that parses must print to text that parses to the same configuration.
        let printed = ConfigPrinter.print(config)
        let again = ConfigParser.parse(
            path: "p.conf", reader: InMemorySourceReader(files: ["p.conf": printed]), environment: FuzzEnvironment())
        if !printed.isEmpty && again.config != config && !again.failed {
            fatalError("round trip changed the configuration:\n\(printed)")
        }
    }
    return 0
}
