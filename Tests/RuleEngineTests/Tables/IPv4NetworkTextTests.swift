import PeerSupport
import Testing

@testable import RuleEngine

#if canImport(Glibc)
import Glibc
#endif

/// `IPv4NetworkText` must read what glibc's `inet_net_pton(AF_INET, …)` reads, since Debian's OpenSMTPD uses
/// that for every `netaddr` entry.
@Suite("IPv4 network text (glibc inet_net_pton)")
struct IPv4NetworkTextTests {
    @Test(
        "forms and implied widths",
        arguments: [
            ("192.0.2.1", 0xC000_0201, 32),
            ("10", 0x0A00_0000, 8),
            ("10.1", 0x0A01_0000, 16),
            ("10.0.0.0", 0x0A00_0000, 32),
            ("172.16", 0xAC10_0000, 16),
            ("192.168.1", 0xC0A8_0100, 24),
            ("10/8", 0x0A00_0000, 8),
            ("10.1.2.3/16", 0x0A01_0203, 16),
            ("0.0.0.0/0", 0, 0),
            ("0x0a01", 0x0A01_0000, 16),
            ("0X0A", 0x0A00_0000, 8),
        ] as [(String, UInt32, Int)]
    )
    func forms(text: String, address: UInt32, bits: Int) {
        #expect(parse(text) == IPv4NetworkText.Network(address: address, bits: bits))
    }

    @Test(
        "not IPv4 network text",
        arguments: [
            "", "a", "1.", "1..2", "256.1.1.1", "1.2.3.4.5", "1.2.3.4/33", "1/", "::1", "[1.2.3.4]", "1.2.3.4 ",
        ]
    )
    func rejected(text: String) {
        #expect(parse(text) == nil)
    }

    @Test("agrees with glibc's inet_net_pton on many inputs", .enabled(if: GlibcNetPton.function != nil))
    func differential() throws {
        let pieces = [
            "0", "1", "9", "10", "127", "128", "191", "192", "223", "224", "239", "240", "255", "256", "0x",
            "0xa", "0x0a", "0xff", "0xabcdef01", "0x123456789", "/", "/0", "/8", "/24", "/32", "/33", ".",
            "x", "a", " ", ":",
        ]
        var generator = SeededRandom(seed: 0xC1D2)
        for _ in 0..<20_000 {
            let count = 1 + Int(generator.next() % 6)
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let expected = try #require(GlibcNetPton.function).call(text)
            let mine = parse(text)
            #expect(mine?.bits == expected?.bits, "\(text)")
            if let mine, let expected {
                let mask: UInt32 = mine.bits == 0 ? 0 : ~(UInt32.max >> mine.bits)
                #expect(mine.address & mask == expected.address & mask, "\(text)")
            }
        }
    }

    private func parse(_ text: String) -> IPv4NetworkText.Network? {
        var text = text
        return text.withUTF8 { IPv4NetworkText.parse(UnsafeRawBufferPointer($0)) }
    }
}

/// glibc's `inet_net_pton`, which lives in libresolv, loaded at run time for the comparison.
struct GlibcNetPton {
    typealias Function = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeMutableRawPointer, Int) -> Int32
    let pointer: Function

    static let function: GlibcNetPton? = {
        guard let library = dlopen("libresolv.so.2", RTLD_NOW), let symbol = dlsym(library, "inet_net_pton") else {
            return nil
        }
        return GlibcNetPton(pointer: unsafeBitCast(symbol, to: Function.self))
    }()

    func call(_ text: String) -> IPv4NetworkText.Network? {
        var bytes = [UInt8](repeating: 0, count: 4)
        let bits = bytes.withUnsafeMutableBytes { buffer in pointer(AF_INET, text, buffer.baseAddress!, 4) }
        guard bits >= 0 else { return nil }
        let address = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return IPv4NetworkText.Network(address: address, bits: Int(bits))
    }
}
