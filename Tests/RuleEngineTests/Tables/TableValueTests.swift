import Testing

@testable import RuleEngine

/// Values read as `table_parse_lookup` and `text_to_*` read them.
@Suite("Table values")
struct TableValueTests {
    @Test("userinfo: uid:gid:home, strtonum numbers, the rest is the home")
    func userInfo() {
        #expect(
            TableValue.UserInfo(key: "alice", value: "1000:100:/home/alice")
                == TableValue.UserInfo(username: "alice", uid: 1000, gid: 100, directory: "/home/alice")
        )
        #expect(TableValue.UserInfo(key: "v", value: " +5:6:/var/vmail:x")?.directory == "/var/vmail:x")
        #expect(TableValue.UserInfo(key: "v", value: "5:6:")?.directory == "")
        #expect(TableValue.UserInfo(key: "v", value: "4294967295:0:/") != nil)
        #expect(TableValue.UserInfo(key: "v", value: "4294967296:0:/") == nil)
        #expect(TableValue.UserInfo(key: "v", value: "-1:0:/") == nil)
        #expect(TableValue.UserInfo(key: "v", value: "x:0:/") == nil)
        #expect(TableValue.UserInfo(key: "v", value: "1:2") == nil)
        #expect(TableValue.UserInfo(key: "a:b", value: "1:2:/h") == nil)  // the key's colon shifts the fields
        #expect(TableValue.UserInfo(key: String(repeating: "u", count: 256), value: "1:2:/h") == nil)
    }

    @Test("credentials: first colon splits; no colon means the key is the user; short values are invalid")
    func credentials() {
        #expect(
            TableValue.Credentials(key: "label", value: "joe:se:cret")
                == TableValue.Credentials(username: "joe", password: "se:cret")
        )
        #expect(
            TableValue.Credentials(key: "joe", value: "$6$salt$hash")
                == TableValue.Credentials(username: "joe", password: "$6$salt$hash")
        )
        #expect(TableValue.Credentials(key: "k", value: "ab") == nil)
        #expect(TableValue.Credentials(key: "k", value: ":abc") == nil)
        #expect(TableValue.Credentials(key: "k", value: "abc:") == nil)
        #expect(TableValue.Credentials(key: "k", value: "a:b") != nil)
    }

    @Test(
        "relay URLs",
        arguments: [
            ("relay.example.org", TableValue.RelayHost(tls: .opportunistic, hostname: "relay.example.org", port: 25)),
            (
                "smtp://relay.example.org:2525",
                TableValue.RelayHost(tls: .opportunistic, hostname: "relay.example.org", port: 2525)
            ),
            (
                "SMTP+TLS://label@relay.example.org",
                TableValue.RelayHost(tls: .startTLS, hostname: "relay.example.org", port: 25, authLabel: "label")
            ),
            ("smtp+notls://10.0.0.1", TableValue.RelayHost(tls: .none, hostname: "10.0.0.1", port: 25)),
            (
                "smtps://l@[192.0.2.1]",
                TableValue.RelayHost(tls: .smtps, hostname: "[192.0.2.1]", port: 465, authLabel: "l")
            ),
            (
                "smtps://[IPv6:2001:db8::1]:4650",
                TableValue.RelayHost(tls: .smtps, hostname: "[IPv6:2001:db8::1]", port: 4650)
            ),
            ("lmtp://127.0.0.1:24", TableValue.RelayHost(tls: .none, isLMTP: true, hostname: "127.0.0.1", port: 24)),
            (
                "smtp://relay.example.org/",
                TableValue.RelayHost(tls: .opportunistic, hostname: "relay.example.org", port: 25)
            ),
        ] as [(String, TableValue.RelayHost)]
    )
    func relayHost(url: String, expected: TableValue.RelayHost) {
        #expect(TableValue.RelayHost(url: url) == expected)
    }

    @Test(
        "relay URLs OpenSMTPD refuses at delivery",
        arguments: [
            "tls+auth://relay.example.org",  // unknown scheme
            "lmtp://127.0.0.1",  // lmtp needs a port
            "smtp://label@relay.example.org",  // a label needs smtp+tls or smtps
            "smtp://relay.example.org:0",
            "smtp://relay.example.org:65536",
            "smtp://relay.example.org:25/",
            "smtp://relay.example.org.",
            "smtp://-relay.example.org",
            "smtp://[192.0.2.1",
            "smtp://[not-an-address]",
            "smtp://",
        ]
    )
    func relayHostRefused(url: String) {
        #expect(TableValue.RelayHost(url: url) == nil)
    }

    @Test("mailaddrmap lists: commas, quotes, escapes, blanks")
    func mailAddressList() {
        #expect(
            TableValue.mailAddressList("alice@example.org, @example.net ,, bob")
                == [
                    MailAddressPattern(user: "alice", domain: "example.org"),
                    MailAddressPattern(user: "", domain: "example.net"),
                    MailAddressPattern(user: "bob", domain: ""),
                ]
        )
        #expect(TableValue.mailAddressList("a\\,b@x") == [MailAddressPattern(user: "a,b", domain: "x")])
        #expect(TableValue.mailAddressList("\"a,b\"@x") == [MailAddressPattern(user: "\"a,b\"", domain: "x")])
        #expect(TableValue.mailAddressList("") == [])
        #expect(TableValue.mailAddressList("\"unbalanced@x") == nil)
        #expect(TableValue.mailAddressList("trailing\\") == nil)
        #expect(TableValue.mailAddressList(String(repeating: "u", count: 300) + "@x") == nil)
    }

    @Test("socket addresses for source and addrname")
    func socketAddress() {
        #expect(TableValue.SocketAddress(text: "192.0.2.1")?.address == .ipv4(0xC000_0201))
        #expect(TableValue.SocketAddress(text: "IPv6:::1")?.address == .ipv6(0, 1))
        #expect(TableValue.SocketAddress(text: "fe80::1%lo")?.scopeID != nil)
        #expect(TableValue.SocketAddress(text: "2001:db8::1%7")?.scopeID == 7)
        #expect(TableValue.SocketAddress(text: "10.0.0.0/8") == nil)
        // sa_to_text writes IPv6 in brackets, and parse_sockaddr (OpenSMTPD ≥ 7.5) reads that back.
        #expect(TableValue.SocketAddress(text: "[::1]")?.address == .ipv6(0, 1))
        #expect(TableValue.SocketAddress(text: "[IPv6:2001:db8::1%7]")?.scopeID == 7)
        #expect(TableValue.SocketAddress(text: "[192.0.2.1]") == nil)
        #expect(TableValue.SocketAddress(text: "local") == nil)
    }
}
