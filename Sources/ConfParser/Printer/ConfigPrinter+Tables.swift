extension ConfigPrinter {
    /// `table "NAME" "ARGUMENT"` or `table "NAME" { … }`.
    ///
    /// The argument is rebuilt as written: `/path` (no backend), `backend:/config`, or `backend`.
    static func line(for table: TableDecl) -> String {
        let source: String
        switch table.source {
        case .backend(let backend, let config):
            if backend.isEmpty {
                source = quote(config ?? "")
            } else if let config {
                source = quote(backend + ":" + config)
            } else {
                source = quote(backend)
            }
        case .inline(let contents):
            source = inlineTable(contents)
        }
        return "table " + quote(table.name) + " " + source
    }

    /// `pki "NAME" [cert "FILE"] [key "FILE"] [dhe VALUE]`: the lines for one name merged into one.
    static func line(for pki: PKIDecl) -> String {
        var statement = StatementWords("pki", quote(pki.name))
        statement.add("cert", quoted: pki.certFile)
        statement.add("key", quoted: pki.keyFile)
        if let dhe = pki.dhe { statement.add("dhe " + word(dhe)) }
        return statement.text
    }

    /// `ca "NAME" cert "FILE"`; nil for a ca without a file, which the grammar cannot express.
    static func line(for ca: CADecl) -> String? {
        guard let file = ca.certFile else { return nil }
        return "ca " + quote(ca.name) + " cert " + quote(file)
    }
}
