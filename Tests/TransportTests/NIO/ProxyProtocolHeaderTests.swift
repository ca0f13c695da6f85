import Testing
@testable import Transport

@Suite("PROXY protocol v2 header")
struct ProxyProtocolHeaderTests {
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    @Test func ipv4ClientIsRead() {
        let header = Self.signature + [0x21, 0x11, 0x00, 0x0C, 198, 51, 100, 7, 192, 0, 2, 1, 0x30, 0x39, 0x00, 0x19]
        #expect(ProxyProtocolHeader.parse(header + Array("EHLO".utf8)) == .header(source: "198.51.100.7", length: 28))
    }

    @Test func ipv6ClientIsCompressedAsRFC5952Says() {
        var address: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]
        address += Array(repeating: 0, count: 16) + [0, 1, 0, 25]
        let header = Self.signature + [0x21, 0x21, 0x00, 0x24] + address
        #expect(ProxyProtocolHeader.parse(header) == .header(source: "2001:db8::1", length: 52))
    }

    @Test func localCommandAndUnspecifiedFamilyKeepTheConnectionsAddress() {
        #expect(ProxyProtocolHeader.parse(Self.signature + [0x20, 0x00, 0x00, 0x00]) == .header(source: nil, length: 16))
        #expect(ProxyProtocolHeader.parse(Self.signature + [0x21, 0x00, 0x00, 0x00]) == .header(source: nil, length: 16))
    }

    @Test func partialHeadersWaitAndBadOnesAreRefused() {
        #expect(ProxyProtocolHeader.parse(Self.signature.prefix(5)) == .needMore)
        #expect(ProxyProtocolHeader.parse(Self.signature + [0x21, 0x11, 0x00, 0x0C, 1, 2]) == .needMore)
        if case .invalid = ProxyProtocolHeader.parse(Array("EHLO client.example\r\n".utf8)) {} else {
            Issue.record("plain SMTP must be refused on a proxy-v2 listener")
        }
        if case .invalid = ProxyProtocolHeader.parse(Self.signature + [0x11, 0x11, 0x00, 0x00]) {} else {
            Issue.record("version 1 in a v2 header")
        }
        if case .invalid = ProxyProtocolHeader.parse(Self.signature + [0x21, 0x11, 0x00, 0x04, 1, 2, 3, 4]) {} else {
            Issue.record("short IPv4 block")
        }
    }
}
