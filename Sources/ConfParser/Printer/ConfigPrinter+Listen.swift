extension ConfigPrinter {
    /// `listen on socket [filter …] [mask-src] [tag "T"] [no-dsn]`.
    static func line(for socket: SocketListener) -> String {
        var statement = StatementWords("listen", "on", "socket")
        if let filter = socket.filter { statement.add(filterWords(filter)) }
        statement.add("mask-src", if: socket.maskSource)
        statement.add("tag", quoted: socket.tag)
        statement.add("no-dsn", if: socket.noDSN)
        return statement.text
    }

    /// `listen on "INTERFACE" [options]`, the options in a fixed order.
    static func line(for listener: Listener) -> String {
        var statement = StatementWords("listen", "on", quote(listener.interface))
        if let family = listener.family { statement.add(family.rawValue) }
        if let port = listener.port { statement.add("port " + portWord(port)) }
        if let tls = listener.tls { statement.add(tlsWords(tls)) }
        for pki in listener.pkis { statement.add("pki", quoted: pki) }
        statement.add("ca", quoted: listener.ca)
        if let auth = listener.auth { statement.add(authWords(auth)) }
        statement.add("tag", quoted: listener.tag)
        statement.add("hostname", quoted: listener.hostname)
        statement.add("hostnames", table: listener.hostnames)
        if let senders = listener.senders {
            statement.add("senders", table: senders)
            statement.add("masquerade", if: listener.masquerade)
        }
        statement.add("mask-src", if: listener.maskSource)
        statement.add("received-auth", if: listener.receivedAuth)
        statement.add("no-dsn", if: listener.noDSN)
        statement.add("proxy-v2", if: listener.proxyV2)
        if let filter = listener.filter { statement.add(filterWords(filter)) }
        statement.add("ciphers", quoted: listener.ciphers)
        statement.add("protocols", quoted: listener.protocols)
        return statement.text
    }

    /// A number, or a service name: `smtp` and `smtps` are keywords the grammar takes bare, others are quoted.
    private static func portWord(_ port: Listener.Port) -> String {
        switch port {
        case .number(let number): String(number)
        case .service(let name, _) where name == "smtp" || name == "smtps": name
        case .service(let name, _): quote(name)
        }
    }

    private static func tlsWords(_ tls: Listener.TLSMode) -> String {
        switch tls {
        case .starttls: "tls"
        case .starttlsRequire(let verify): verify ? "tls-require verify" : "tls-require"
        case .smtps(let verify): verify ? "smtps verify" : "smtps"
        }
    }

    private static func authWords(_ auth: Listener.Auth) -> String {
        let (keyword, table): (String, TableRef?) =
            switch auth {
            case .required(let table): ("auth", table)
            case .optional(let table): ("auth-optional", table)
            }
        guard let table else { return keyword }
        return keyword + " " + Self.table(table)
    }
}
