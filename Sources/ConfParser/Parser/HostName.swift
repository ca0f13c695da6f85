/// glibc's `res_hnok`, which OpenSMTPD uses to accept a pki or ca name: printable ASCII, labels of letters,
/// digits, `-` and `_` separated by single dots, at most 63 bytes a label, and no leading `-`.
enum HostName {
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.allSatisfy({ $0 > 0x20 && $0 <= 0x7E }) else { return false }
        guard bytes.count <= 253 else { return false }
        if bytes.isEmpty || bytes == [UInt8(ascii: ".")] { return true }
        var labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.last?.isEmpty == true { labels.removeLast() }
        if labels.first?.first == UInt8(ascii: "-") { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63 else { return false }
            for byte in label {
                let ok = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                if !ok { return false }
            }
        }
        return true
    }
}

/// OpenBSD's `scan_scaled`: `35M`, `1.5G`, `512`; units B K M G T P E in either case, powers of 1024.
enum ScaledSize {
    static func parse(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, first == 0x20 || (first >= 0x09 && first <= 0x0D) { bytes = bytes.dropFirst() }
        var sign: Int64 = 0
        while let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            if sign != 0 { return nil }
            sign = first == UInt8(ascii: "-") ? -1 : 1
            bytes = bytes.dropFirst()
        }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var digits = 0
        while let byte = bytes.first, (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                if fractionDigits > 0 { return nil }
                fractionDigits = 1
                continue
            }
            let digit = Int64(byte - 0x30)
            if fractionDigits > 0 {
                if fractionDigits >= 20 { continue }
                fractionDigits += 1
                fraction = fraction * 10 + digit
            } else {
                digits += 1
                if digits >= 21 { return nil }
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(digit)
                if o1 || o2 { return nil }
                whole = s
            }
        }
        if sign != 0 {
            whole *= sign
            fraction *= sign
        }
        guard let unit = bytes.first else { return whole }
        let units: [UInt8] = Array("BKMGTPE".utf8)
        guard let index = units.firstIndex(where: { $0 == unit || $0 + 0x20 == unit }) else { return nil }
        if let after = bytes.dropFirst().first,
            (after >= 0x30 && after <= 0x39) || (after >= 0x41 && after <= 0x5A) || (after >= 0x61 && after <= 0x7A)
        {
            return nil
        }
        let factor = Int64(1) << (10 * index)
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: factor)
        if overflow { return nil }
        while fraction != 0 && fraction.magnitude >= UInt64(Int64.max / factor) {
            fraction /= 10
            fractionDigits -= 1
        }
        var scaledFraction = fraction * factor
        if fractionDigits > 0 {
            for _ in 0..<(fractionDigits - 1) { scaledFraction /= 10 }
        }
        return scaled + scaledFraction
    }
}
