// libFuzzer entry point for the %{…} format expander. Build and run: see Fuzz/README-formats.md.
//
// The first byte picks an envelope, the rest is the template. Besides "never traps", it checks the promises the
// expander and the validator make to each other.

/// Envelopes chosen to reach every branch: shell-special and non-ASCII values, the null sender, values with
/// `/` and `.`, and no `%{mda}` command.
private let contexts: [FormatContext] = {
    let base = FormatContext(
        sender: .init(user: "Sender", domain: "Ex.Org"),
        rcpt: .init(user: "User+Tag", domain: "Example.org"),
        dest: .init(user: "dest", domain: "example.net"),
        userName: "joe",
        userDirectory: "/home/joe",
        mdaCommand: "MDACMD"
    )
    var special = base
    special.rcpt = .init(user: "us{e}r|x?y`z$w~!#%&*'", domain: "Example.org")
    var null = base
    null.sender = .null
    null.mdaCommand = nil
    var utf8 = base
    utf8.rcpt = .init(user: "Jürgen+ñ", domain: "bücher.example")
    utf8.subaddressDelimiter = "ñ"
    var paths = base
    paths.dest = .init(user: "a/../.b", domain: "..")
    paths.userDirectory = String(repeating: "h", count: 1000)
    return [base, special, null, utf8, paths]
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let context = contexts[Int(bytes[0]) % contexts.count]
    let template = String(decoding: bytes.dropFirst(), as: UTF8.self)

    let expanded = Result { () throws(FormatError) in try FormatExpander.expand(template, context: context) }
    let path = Result { () throws(FormatError) in try FormatExpander.expandPath(template, context: context) }
    let problems = FormatValidator.problems(in: template, insideWrapper: context.mdaCommand != nil)
    // The validator's slice warnings hold for non-empty values only: an empty value is never sliced.
    let predictable = !context.sender.user.isEmpty

    switch expanded {
    case .success(.expanded(let text)):
        precondition(text.utf8.count < 1024, "result too long")
        precondition(
            !predictable || !problems.contains { $0.consequence != .textIgnored },
            "validator flagged a template that expanded"
        )
        if case .success(let pathResult) = path { precondition(pathResult == .expanded(text), "path differs") }
    case .success(.unexpanded):
        precondition(path == .success(.unexpanded), "path expansion disagrees about 'unexpanded'")
        let homeTooLong = context.userDirectory.utf8.count >= 1023 && template.hasPrefix("~/")
        precondition(homeTooLong || problems.contains { $0.consequence == .leftUnexpanded }, "validator missed it")
    case .failure(let error):
        precondition(error.offset >= 0 && error.offset <= template.utf8.count, "offset out of range")
        if case .success = path { preconditionFailure("path expansion succeeded where expansion failed") }
    }
    if predictable && problems.contains(where: { $0.consequence == .deliveryFails }) {
        if case .success = expanded { preconditionFailure("validator predicted a failure that did not happen") }
    }
    return 0
}
