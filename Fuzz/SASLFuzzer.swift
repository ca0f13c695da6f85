// libFuzzer target for the SASL layer: base64, xtext, and the PLAIN and LOGIN server exchanges.
// Build and run: scripts/fuzz.sh sasl SECONDS.
//
// Invariants beyond "never traps":
// - base64 and xtext: decode(encode(x)) == x for any octets, and whatever decodes re-encodes to something that
//   decodes the same;
// - a decode never returns more octets than the limit asked for;
// - credentials that come out of PLAIN or LOGIN hold no CR, LF or NUL, a non-empty PLAIN username, and never
//   show the password in their description.

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

private func checkCredentials(_ step: SASLStep) {
    guard case .credentials(let credentials) = step else { return }
    let name = Array(credentials.username.utf8)
    for bytes in [name, credentials.password] {
        check(!bytes.contains(0x0D) && !bytes.contains(0x0A) && !bytes.contains(0), "CR, LF or NUL in credentials")
    }
    check(name.count <= 255, "username too long")
    check(credentials.description == "SASLCredentials(username: \(credentials.username), password: ********)",
        "description changed shape")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    // Octets → text → octets.
    check(Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes, "base64 round trip")
    check(XText.decode(Array(XText.encode(bytes).utf8)) == bytes, "xtext round trip")
    // Text → octets → text → octets.
    let limit = bytes.first.map { Int($0) * 8 } ?? 0
    if let decoded = Base64.decode(bytes, maximumLength: limit) {
        check(decoded.count <= limit, "base64 over its limit")
        check(Base64.decode(Array(Base64.encode(decoded).utf8)) == decoded, "base64 re-encoding")
    }
    if let decoded = XText.decode(bytes) {
        check(XText.decode(Array(XText.encode(decoded).utf8)) == decoded, "xtext re-encoding")
    }

    // Exchanges: the input's lines are the client's responses.
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    for mechanism in SASLMechanism.allCases {
        let initial = lines.first.map { String(decoding: $0, as: UTF8.self) }
        var (server, step) = SASLServer.start(mechanism, initialResponse: bytes.count % 2 == 0 ? nil : initial)
        checkCredentials(step)
        for line in lines.dropFirst() {
            guard case .challenge = step else { break }
            step = server.receive(line)
            checkCredentials(step)
        }
    }
    return 0
}
