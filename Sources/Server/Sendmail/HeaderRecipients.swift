/// `sendmail -t`: the addresses in the To, Cc and Bcc fields of a message's header. Groups, comments and
/// display names are skipped; what remains between angle brackets, or as a bare address, is taken.
enum HeaderRecipients {
    static func addresses(in message: [UInt8]) -> [String] {
        var addresses: [String] = []
        for (name, value) in headerFields(message) where ["to", "cc", "bcc"].contains(name.lowercased()) {
            addresses += parseAddressList(value)
        }
        return addresses
    }

    /// Unfolded `name: value` fields up to the first empty line.
    static func headerFields(_ message: [UInt8]) -> [(String, String)] {
        var fields: [(String, String)] = []
        for rawLine in message.split(separator: 0x0a, omittingEmptySubsequences: false) {
            var line = String(decoding: rawLine, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                if !fields.isEmpty { fields[fields.count - 1].1 += " " + line.drop { $0 == " " || $0 == "\t" } }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return fields
    }

    /// Splits an address list at top-level commas, then takes each element's `<address>` or bare address.
    static func parseAddressList(_ value: String) -> [String] {
        var elements: [String] = []
        var current = ""
        var quoted = false
        var depth = 0
        var angle = false
        for character in value {
            switch character {
            case "\"" where depth == 0: quoted.toggle()
            case "(" where !quoted: depth += 1
            case ")" where !quoted && depth > 0: depth -= 1; continue
            case "<" where !quoted && depth == 0: angle = true
            case ">" where !quoted && depth == 0: angle = false
            case "," where !quoted && depth == 0 && !angle:
                elements.append(current)
                current = ""
                continue
            case ":" where !quoted && depth == 0 && !angle:
                current = ""  // a group name: "team: a@x, b@y;"
                continue
            case ";" where !quoted && depth == 0 && !angle:
                continue
            default: break
            }
            if depth == 0 { current.append(character) }
        }
        elements.append(current)
        return elements.compactMap { element in
            if let open = element.lastIndex(of: "<"), let close = element[open...].firstIndex(of: ">") {
                let address = element[element.index(after: open)..<close].trimming(" \t")
                return address.isEmpty ? nil : address
            }
            let bare = element.trimming(" \t")
            return bare.isEmpty || bare.contains("\"") ? nil : bare
        }
    }
}

extension StringProtocol {
    func trimming(_ set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
