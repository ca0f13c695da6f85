/// Renders diagnostics the way `smtpd -n` prints them.
///
/// Every line OpenSMTPD would print comes out byte for byte as OpenSMTPD prints it, starting in column one.
/// What Tern adds (column, source excerpt, hint, errors OpenSMTPD stays quiet about, warnings) is indented
/// or marked `warning:`, so a script that greps OpenSMTPD's lines still finds exactly those.
public struct DiagnosticRenderer: Sendable {
    public var programName: String
    public var sourceLines: @Sendable (String, Int) -> String?

    public init(programName: String = "smtpd", sourceLines: @escaping @Sendable (String, Int) -> String? = { _, _ in nil }) {
        self.programName = programName
        self.sourceLines = sourceLines
    }

    public func render(_ diagnostic: Diagnostic) -> [String] {
        var lines: [String] = []
        switch diagnostic.severity {
        case .error:
            if let location = diagnostic.location {
                lines.append("\(location.file):\(location.line): \(diagnostic.message)")
            } else {
                lines.append(diagnostic.message)
            }
        case .fatal:
            switch diagnostic.fatalStyle {
            case .prefixed: lines.append("\(programName): \(diagnostic.message)")
            case .trailingName:
                lines.append(diagnostic.message)
                lines.append(programName)
            }
        case .note:
            lines.append(diagnostic.message)
        case .warning:
            if let location = diagnostic.location {
                lines.append("\(location.file):\(location.line): warning: \(diagnostic.message)")
            } else {
                lines.append("warning: \(diagnostic.message)")
            }
        case .suppressedError:
            if let location = diagnostic.location {
                lines.append("  \(location.file):\(location.line): also: \(diagnostic.message) "
                    + "(OpenSMTPD does not print errors within three tokens of the previous one)")
            }
        }
        lines.append(contentsOf: extraLines(diagnostic))
        return lines
    }

    private func extraLines(_ diagnostic: Diagnostic) -> [String] {
        var lines: [String] = []
        if let location = diagnostic.location, location.line > 0 {
            var head = "  at \(location.file):\(location.line):\(location.column)"
            if let detail = diagnostic.detail { head += ": \(detail)" }
            lines.append(head)
            if let text = sourceLines(location.file, location.line) {
                let shown = text.replacingTabs()
                lines.append("    | " + shown)
                if location.column >= 1 {
                    let pad = String(repeating: " ", count: min(location.column - 1, shown.count))
                    lines.append("    | " + pad + "^")
                }
            }
        } else if let detail = diagnostic.detail {
            lines.append("  " + detail)
        }
        if let hint = diagnostic.hint {
            lines.append("  hint: " + hint)
        }
        return lines
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        // One column per byte, and nothing that a terminal would act on.
        String(self.unicodeScalars.map { scalar -> Character in
            if scalar == "\t" { return " " }
            if scalar.value < 0x20 || scalar.value == 0x7F { return "?" }
            return Character(scalar)
        })
    }
}
