@testable import ConfParser

/// Hand-written configurations shared by the printer tests.
enum PrinterSamples {
    /// Every statement and option OpenSMTPD 6.8 knows, in a scrambled order that is still valid (each name
    /// declared above its use). OpenSMTPD 6.8 accepts it with `@DIR@` set to a copy of the probes folder.
    static let kitchenSink = #"""
        table aliases "@DIR@/aliases1"
        table domains file:@DIR@/t_domains
        table pw getpwnam
        table dbt db:@DIR@/t.db
        table sql sqlite:/etc/mail/sqlite.conf
        table users { alice = "alice@example.com", bob => "bob@example.org" }
        table nets { 10.0.0.0/8, "::1" }
        table creds { lbl = "user:pass" }
        table helos { 127.0.0.1 = mx.example.com }
        table doms { example.com = "smtp://mx.example.com:2525" }
        admd "mx.example.com"
        srs key "secret"
        srs key backup "old-secret"
        srs ttl 30d
        bounce warn-interval 1h, 6h, 2d
        scheduler limit max-inflight 100 max-evp-batch-size 256
        scheduler limit max-msg-batch-size 1024 max-schedule 10
        mda limit max-session 10
        mda limit max-session-per-user 3 task-lowat 30 task-hiwat 50 task-release 10
        mda wrapper wrap "/usr/bin/env %{mda}"
        mta limit max-conn-per-host 10
        mta limit for domain example.com inet6 conn-delay-route 5 session-mail-max 20
        mta max-deferred 200
        queue ttl 4d
        queue encryption 0123456789abcdef0123456789abcdef
        queue compression
        smtp ciphers "HIGH:!aNULL"
        smtp sub-addr-delim "-"
        smtp max-message-size 35M
        smtp limit max-rcpt 50 max-mails 10
        pki mx.example.com cert "@DIR@/test.crt"
        pki MX.example.com key "@DIR@/test.key"
        pki mx.example.com dhe auto
        pki "*" cert "@DIR@/test.crt" key "@DIR@/test.key"
        ca myca cert "@DIR@/test.crt"
        proc rspamd "/usr/bin/filter-rspamd" user _rspamd group _rspamd chroot "/var/empty"
        filter f-proc proc rspamd
        filter f-exec proc-exec "filter-senderscore -blockBelow 10" user nobody group nogroup chroot "/"
        filter f-rdns phase connect match !rdns disconnect "550 no rDNS"
        filter f-fcrdns phase connect match ! fcrdns junk
        filter f-src phase connect match src regex { "^10\." } bypass
        filter f-rdns-t phase helo match rdns <domains> report "rdns"
        filter f-rdns-re phase helo match !rdns regex "^mail" bypass
        filter f-helo phase ehlo match !helo regex "^localhost$" reject "550 bad helo"
        filter f-auth phase mail-from match !auth reject "530 auth first"
        filter f-auth-t phase rcpt-to match auth <users> bypass
        filter f-auth-re phase data match auth regex "^adm" junk
        filter f-mf phase mail-from match mail-from "@spam.example" rewrite "postmaster@example.com"
        filter f-rt phase rcpt-to match rcpt-to regex "^noreply@" reject "550 no"
        filter f-data phase data match src <nets> bypass
        filter f-commit phase commit match !fcrdns disconnect "421 bye"
        filter f-auth-phase phase auth match rdns junk
        filter chained chain { f-rdns, f-fcrdns f-proc }
        listen on socket filter f-exec mask-src tag "local"
        action "mbox" mbox alias <aliases> ttl 2d
        action "maildir" maildir
        action "maildir-junk" maildir junk virtual <users> userbase <pw>
        action "maildir-path" maildir "~/Maildir" junk user vmail wrapper wrap
        action "lmtp" lmtp "/var/run/dovecot/lmtp" rcpt-to alias <aliases>
        action "lmtp2" lmtp "127.0.0.1:24" userbase <sql>
        action "mda" mda "/usr/bin/procmail -f -" user nobody ttl 1h
        action "fwd" forward-only alias <dbt>
        action "exp" expand-only virtual { "@" = "vmail" }
        action "relay" relay ttl 3d
        action "smarthost" relay srs filter { f-proc } ca myca pki mx.example.com src <nets> helo-src <helos> helo "mx.example.com" mail-from "bounce@example.com" tls no-verify host "smtp+tls://lbl@smtp.example.com:587" auth <creds>
        action "backup" relay backup mx "mx2.example.com" tls filter "chained"
        action "backup2" relay backup
        action "by-domain" relay domain <doms> tls
        listen on lo inet4 port 2525 tls pki mx.example.com ca myca auth <users> tag "T1" hostname "mx.example.com" hostnames <helos> senders <users> masquerade mask-src received-auth no-dsn proxy-v2 filter "chained"
        listen on lo port smtps smtps verify pki "*" auth-optional filter { f-rdns, f-helo }
        listen on lo inet6 port submission tls-require verify pki mx.example.com auth
        listen on 127.0.0.1 port smtp tls-require
        listen on localhost port 2526 senders <users>
        match from any for domain <domains> action "mbox"
        match !tag regex "^T" from src <nets> for domain regex { "example\.(com|org)$" } !helo "x.example" auth { alice, bob } !tls action "maildir"
        match from socket for any action "relay"
        match from local for local action "maildir-junk"
        match !from rdns for any reject
        match from rdns regex "\.example\.com$" for any reject
        match from rdns { "mx.example.com" } !for local action "smarthost"
        match from auth for any action "smarthost"
        match from auth regex "^adm" for any action "backup"
        match !from auth { alice, bob } for any reject
        match from mail-from "@example.com" for rcpt-to regex "^a" action "lmtp"
        match for any rcpt-to <nets> action "lmtp2"
        match tag "T1" helo regex { "^mail\." } tls action "exp"
        match for any !mail-from <nets> !rcpt-to { "x@y" } action "fwd"
        match !from src regex "^192\." !for domain "example.org" action "by-domain"
        match auth mail-from regex "^a" action "maildir-path"
        match action "mda"
        match reject
        """#
}

extension PrinterSamples {
    /// A configuration with `nasty` in every free-text position, valid for OpenSMTPD 6.8 when `interface`
    /// exists. Names that must be distinct get a suffix.
    static func nastyConfig(_ nasty: String, interface: String) -> Config {
        var config = Config()
        config.options.smtpCiphers = nasty
        config.options.srsKey = nasty
        config.options.srsBackupKey = nasty
        config.options.admd = nasty.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? nasty : nil
        config.mdaWrappers = [.init(name: nasty, command: nasty)]
        config.tables = [TableDecl(name: nasty, source: .inline(.mapping([.init(key: nasty, value: nasty)])))]
        config.procs = [ProcDecl(name: nasty, command: nasty, user: nasty, group: nasty, chroot: nasty)]
        let condition = BuiltinFilter.Condition.src(.string(nasty), regex: true)
        let builtin = BuiltinFilter(phase: .connect, negated: true, condition: condition, decision: .reject(nasty))
        config.filters = [
            FilterDecl(name: nasty, kind: .proc(nasty)),
            FilterDecl(name: nasty + "2", kind: .builtin(builtin)),
            FilterDecl(name: nasty + "3", kind: .procExec(command: nasty, user: nasty, group: nasty, chroot: nasty)),
        ]
        var listener = Listener(interface: interface)
        listener.tls = .starttls
        listener.hostname = nasty
        listener.tag = nasty.utf8.count <= 32 ? nasty : nil
        listener.auth = .optional(.inline(.list([nasty])))
        listener.filter = .chain([nasty, nasty + "2"])
        config.listeners = [listener]
        var action = Action(name: nasty, method: .mda(command: nasty))
        action.user = nasty
        action.virtual = .named(nasty)
        action.wrapper = nasty
        var relay = Action(name: nasty + "r", method: .relay)
        relay.host = .string(nasty)
        relay.helo = nasty
        relay.mailFrom = nasty
        relay.pki = nasty
        relay.ca = nasty
        relay.filter = .named(nasty + "3")
        relay.srs = true
        config.actions = [action, relay]
        var rule = MatchRule(decision: .action(nasty))
        rule.from = .init(source: .src(.string(nasty), regex: false))
        rule.destination = .init(negated: true, destination: .domain(.inline(.list([nasty, "x"])), regex: true))
        rule.mailFrom = .init(table: .string(nasty))
        rule.helo = .init(negated: true, regex: true, table: .inline(.list([nasty])))
        var reject = MatchRule(decision: .reject)
        reject.from = .init(source: .any)
        reject.destination = .init(destination: .any)
        reject.tag = .init(table: .string(nasty))
        reject.auth = .init(negated: true, regex: false, table: .string(nasty))
        config.rules = [rule, reject]
        return config
    }
}
