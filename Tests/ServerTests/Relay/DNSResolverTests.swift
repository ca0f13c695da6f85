import PeerSupport
import Testing
import Transport

/// MX lookups through glibc's resolver against dnsmasq (see ``RelayPeers``).
@Suite("DNS resolver against dnsmasq", .serialized,
    .enabled(if: RelayPeers.available || RelayPeers.isRequired, "needs dnsmasq, python3-aiosmtpd and openssl"))
struct DNSResolverTests {
    @Test func equalPreferencesComeInRandomOrderAfterBetterOnes() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let dns = try TestDNS([
            "--mx-host=relay.test,a.relay.test,10", "--mx-host=relay.test,b.relay.test,10",
            "--mx-host=relay.test,c.relay.test,5", "--mx-host=relay.test,d.relay.test,30",
        ])
        let resolver = DNSResolver(nameServer: DNSNameServer(host: "127.0.0.1", port: dns.port))
        var orders = Set<[String]>()
        for _ in 0..<30 {
            let hosts = try await resolver.mxHosts(for: "relay.test")
            #expect(hosts.map(\.preference) == [5, 10, 10, 30])
            orders.insert(hosts.map(\.name))
        }
        #expect(orders == [
            ["c.relay.test", "a.relay.test", "b.relay.test", "d.relay.test"],
            ["c.relay.test", "b.relay.test", "a.relay.test", "d.relay.test"],
        ])
    }

    @Test func cnamesAreFollowed() async throws {
        try #require(RelayPeers.available, "dnsmasq, python3-aiosmtpd and openssl are required")
        let dns = try TestDNS([
            "--mx-host=relay.test,mx.relay.test,10", "--host-record=mx.relay.test,127.0.0.2",
            "--cname=alias.relay.test,mx.relay.test",
        ])
        let resolver = DNSResolver(nameServer: DNSNameServer(host: "127.0.0.1", port: dns.port))
        let addresses = try await resolver.addresses(of: "alias.relay.test", port: 25)
        #expect(addresses.map(\.ipAddress) == ["127.0.0.2"])
    }
}
