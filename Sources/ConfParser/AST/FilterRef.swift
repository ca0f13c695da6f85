/// A `filter NAME` or `filter { f1, f2 }` option on a listener or a relay action.
public enum FilterRef: Sendable, Hashable {
    case named(String)
    /// An inline chain. OpenSMTPD names it `<dynchain:XXXXXXXX>`.
    case chain([String])
}
