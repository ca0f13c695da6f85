/// Whether one element of an aliases(5) value is something OpenSMTPD can expand: makemap(8) checks each
/// comma-separated element of an alias with `text_to_expandnode` before it writes the database.
public enum AliasElementSyntax {
    /// - Parameter element: one element, already stripped of surrounding white space.
    /// - Returns: whether it is an error, include, command, file, address or user name.
    public static func isValid(_ element: [UInt8]) -> Bool { AliasValueParser.classify(element) != nil }
}
