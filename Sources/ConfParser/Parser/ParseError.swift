/// How a statement stopped, mirroring the three ways out of an OpenSMTPD grammar action.
enum ParseInterruption: Error {
    /// The lookahead token does not fit the grammar (yacc's syntax error).
    case syntax(expected: String?, hint: String?)
    /// A grammar action reported its own message and gave up on the statement (yacc's `YYERROR`).
    case statementRejected
    /// OpenSMTPD exits at once (`fatalx`, `errx`).
    case fatal(Diagnostic)
}
