import CResolv

#if canImport(Glibc)
import Glibc
#endif

/// One blocking DNS question through glibc's stub resolver, `res_nquery`.
///
/// Why glibc's resolver rather than a DNS client of our own: it reads the system's configuration
/// (/etc/resolv.conf: name servers, timeouts, `options`), retries and falls back to TCP on truncation, and has
/// been hardened for decades. Parsing the answer goes through libresolv's `ns_parserr` and `dn_expand` for the
/// same reason. The calls block, so ``DNSResolver`` runs them on its own dispatch queue, never on an event loop.
struct DNSQuery {
    /// An answer record the relay needs.
    enum Record: Hashable {
        case mx(preference: Int, exchange: String)
        case cname(String)
        case a([UInt8])
        case aaaa([UInt8])
    }

    static let typeA: Int32 = 1
    static let typeCNAME: Int32 = 5
    static let typeMX: Int32 = 15
    static let typeAAAA: Int32 = 28

    /// The name server to ask instead of the configured ones (tests), IPv4 only.
    var nameServer: DNSNameServer?

    /// Asks for `type` records of `name`.
    /// - Returns: the answer section's MX, CNAME, A and AAAA records (others are skipped).
    /// - Throws: `.nameNotFound` (NXDOMAIN), `.noData` (the name exists, no such records), `.temporary`.
    func run(_ name: String, type: Int32) throws(DNSLookupError) -> [Record] {
        let state = UnsafeMutablePointer<__res_state>.allocate(capacity: 1)
        memset(state, 0, MemoryLayout<__res_state>.size)
        defer { state.deallocate() }
        guard tern_res_ninit(state) == 0 else { throw .temporary("Cannot initialise the resolver") }
        defer { tern_res_nclose(state) }
        if let nameServer {
            guard tern_res_set_nameserver(state, nameServer.host, Int32(nameServer.port)) == 0 else {
                throw .temporary("Bad test name server \(nameServer.host)")
            }
        }
        var answer = [UInt8](repeating: 0, count: 65_535)
        let length = answer.withUnsafeMutableBufferPointer { buffer in
            tern_res_nquery(state, name, type, buffer.baseAddress, Int32(buffer.count))
        }
        guard length >= 0 else {
            switch tern_res_h_errno(state) {
            case HOST_NOT_FOUND: throw .nameNotFound
            case NO_DATA: throw .noData
            default: throw .temporary("Temporary failure in DNS lookup of \(name)")
            }
        }
        return try answer.withUnsafeBufferPointer { buffer throws(DNSLookupError) in
            try Self.parse(buffer.baseAddress!, length: Int(length))
        }
    }

    private static func parse(_ message: UnsafePointer<UInt8>, length: Int) throws(DNSLookupError) -> [Record] {
        var handle = ns_msg()
        guard tern_ns_initparse(message, Int32(length), &handle) == 0 else {
            throw .temporary("Malformed DNS answer")
        }
        var records: [Record] = []
        for index in 0..<tern_ns_answer_count(&handle) {
            var record = ns_rr()
            guard tern_ns_parse_answer(&handle, index, &record) == 0 else { throw .temporary("Malformed DNS answer") }
            let data = UnsafeBufferPointer(start: record.rdata, count: Int(record.rdlength))
            switch Int32(record.type) {
            case typeMX where data.count >= 3:
                let preference = Int(data[0]) << 8 | Int(data[1])
                guard let exchange = expandName(&handle, at: record.rdata + 2) else {
                    throw .temporary("Malformed MX record")
                }
                records.append(.mx(preference: preference, exchange: exchange))
            case typeCNAME:
                guard let target = expandName(&handle, at: record.rdata) else { throw .temporary("Malformed CNAME") }
                records.append(.cname(target))
            case typeA where data.count == 4:
                records.append(.a(Array(data)))
            case typeAAAA where data.count == 16:
                records.append(.aaaa(Array(data)))
            default:
                continue
            }
        }
        return records
    }

    /// A compressed domain name in the message, as text without the final dot (the root is "").
    private static func expandName(_ handle: inout ns_msg, at source: UnsafePointer<UInt8>) -> String? {
        var name = [CChar](repeating: 0, count: Int(NS_MAXDNAME))
        let used = tern_dn_expand(tern_ns_msg_base(&handle), tern_ns_msg_end(&handle), source, &name, Int32(name.count))
        guard used >= 0 else { return nil }
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text == "." ? "" : text
    }
}
