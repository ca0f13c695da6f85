/// The base64 text a client puts after `AUTH mechanism` (RFC 4954 §4), or `=` for an empty response.
///
/// It holds credentials (AUTH PLAIN's is the password in base64), so every textual view of it is redacted:
/// `description`, `debugDescription` and the mirror used by `dump` and string interpolation all show
/// `********`, as OpenSMTPD's logs do. Only ``text`` gives the value.
public struct SASLInitialResponse: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The raw text as sent (not decoded).
    public var text: String

    public init(_ text: String) { self.text = text }

    public var description: String { "********" }
    public var debugDescription: String { "SASLInitialResponse(********)" }
    public var customMirror: Mirror { Mirror(self, children: ["text": "********"]) }
}
