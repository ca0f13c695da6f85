import Testing
@testable import ConfParser

@Suite("Parser: listen on")
struct ListenTests {
    @Test func seedListenersParse() {
        let p = Parsed.withRule("""
            table passwd { "batman@athome.tld" = "$2b$x" }
            pki athome.tld cert "/c" key "/k"
            listen on all tls pki athome.tld
            listen on all port submission tls-require pki athome.tld auth <passwd>
            """)
        #expect(!p.failed, "\(p.lines)")
        #expect(p.config.listeners.count == 2)
        #expect(p.config.listeners[1].port == .service("submission", resolved: 587))
        #expect(p.config.listeners[1].tls == .starttlsRequire(verify: false))
        #expect(p.config.listeners[1].auth == .required(.named("passwd")))
        #expect(p.config.listeners[0].effectivePort == 25)
    }

    @Test func everyOption() {
        let p = Parsed.withRule("""
            table names { 127.0.0.1 = "mx.example.com" }
            table users { alice = "alice@example.com" }
            filter f1 phase connect match !rdns disconnect "550 no"
            listen on 127.0.0.1 port 2526 hostname mx.example.com hostnames <names> received-auth no-dsn proxy-v2 mask-src tag T1 inet4 filter f1
            listen on lo smtps verify auth-optional <users> senders <users> masquerade ciphers "HIGH" protocols "tlsv1.2"
            listen on socket mask-src tag "local" filter { f1 }
            """)
        #expect(!p.failed, "\(p.lines)")
        let l = p.config.listeners[0]
        #expect(l.port == .number(2526) && l.hostname == "mx.example.com" && l.receivedAuth && l.noDSN && l.proxyV2)
        #expect(l.maskSource && l.tag == "T1" && l.family == .inet4 && l.filter == .named("f1"))
        let s = p.config.listeners[1]
        #expect(s.tls == .smtps(verify: true) && s.masquerade && s.ciphers == "HIGH" && s.protocols == "tlsv1.2")
        #expect(p.config.socketListener?.filter == .chain(["f1"]))
    }

    @Test(arguments: [
        ("listen on lo port 25 port 26", "F:1: port already specified"),
        ("listen on lo port 70000", "F:1: invalid port: 70000"),
        ("listen on lo port nosuchsvc", "F:1: invalid port: nosuchsvc"),
        ("listen on lo tls smtps", "F:1: TLS mode already specified"),
        ("listen on lo tag ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "F:1: tag name too long"),
        ("listen on lo filter nope", "F:1: no filter exist with that name: nope"),
        ("listen on socket\nlisten on socket", "F:2: socket listener already configured"),
        ("listen on lo senders { a }", "F:1: invalid use of table \"<dynamic:0>\" as SENDERS parameter"),
    ])
    func recoverableErrors(_ text: String, _ message: String) {
        #expect(Parsed.withRule(text).lines == [message])
    }

    @Test(arguments: [
        ("listen on lo auth", "smtpd: invalid listen option: auth requires tls/smtps"),
        ("listen on lo pki x", "smtpd: invalid listen option: pki requires tls/smtps"),
        ("listen on 0.0.0.0/0", "smtpd: invalid virtual ip or interface: 0.0.0.0/0"),
        ("listen on nosuchif", "smtpd: invalid virtual ip or interface: nosuchif"),
    ])
    func fatalErrors(_ text: String, _ message: String) {
        let p = Parsed.withRule(text)
        #expect(p.lines == [message])
        #expect(p.result.stoppedEarly)
    }

    @Test func undeclaredPkiPrintsOpenSMTPDsTwoLines() {
        #expect(Parsed.withRule("listen on lo tls pki foo").lines == ["pki name not found: foo", "smtpd"])
    }

    @Test func pkiReferenceIsCaseInsensitiveAsIn68() {
        #expect(!Parsed.withRule("pki mx.example.com cert \"/c\" key \"/k\"\nlisten on lo tls pki MX.example.com").failed)
    }

    @Test func severalPkisForSNIAsIn7() {
        let p = Parsed.withRule("pki a.example cert \"/c\" key \"/k\"\npki b.example cert \"/c\" key \"/k\"\nlisten on lo tls pki a.example pki b.example")
        #expect(!p.failed)
        #expect(p.config.listeners[0].pkis == ["a.example", "b.example"])
    }

    @Test func allAndEgressWorkOnLinux() {
        #expect(!Parsed.withRule("listen on all\nlisten on egress").failed)
    }

    @Test func lo0IsAcceptedWithAWarning() {
        let p = Parsed.withRule("listen on lo0")
        #expect(!p.failed)
        #expect(p.result.diagnostics.contains { $0.severity == .warning })
    }
}
