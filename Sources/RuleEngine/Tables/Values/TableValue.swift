/// Table values read into their typed form, as OpenSMTPD's `table_parse_lookup` reads them after a backend
/// answered (the members of its `union lookup`).
///
/// A value that does not parse makes the lookup fail (a temporary failure), not miss; the typed lookups in
/// `LookupTable+Values.swift` throw `TableLookupError` for it.
///
/// The types are nested here because several are close to rule-engine types of other meaning (a userbase entry
/// being delivered to, a mail address on an envelope); these are exactly what a table holds.
public enum TableValue {
    /// `LINE_MAX`: most values are copied into buffers of this size.
    static let lineBufferSize = 2048
    /// `HOST_NAME_MAX + 1` on Linux: domain, relay host and address-name buffers.
    static let hostNameBufferSize = 65
}
