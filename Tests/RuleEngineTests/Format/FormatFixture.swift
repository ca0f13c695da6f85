import Foundation
import Testing

@testable import RuleEngine

/// One line of `Tests/Fixtures/formats-6.8.txt`: what OpenSMTPD 6.8's `mda_expand_format` did with an input.
///
/// Lines read `INPUT -> r=N [BUFFER]`: r = -1 is an error, r = 0 means the buffer was left as it was, and
/// otherwise N is the length of the result. One line records a crash instead: bash's
/// `Segmentation fault ... NOMDA=1 ./h '%{mda}'`, the probe run without an mda command. Tern turns that crash
/// into an error.
struct FormatFixtureCase: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable, Equatable {
        case error
        case unexpanded
        case expanded(String)
        case crashed
    }

    var line: Int
    var input: String
    var outcome: Outcome
    var context: FormatContext

    var testDescription: String { "line \(line): \(input)" }

    /// The probe's envelope. Its values are visible in the fixture itself (`%{sender}`, `%{dest}`,
    /// `%{user.directory}`, …).
    static let envelope = FormatContext(
        sender: .init(user: "Sender", domain: "Ex.Org"),
        rcpt: .init(user: "User+Tag", domain: "Example.org"),
        dest: .init(user: "dest", domain: "example.net"),
        userName: "joe",
        userDirectory: "/home/joe",
        mdaCommand: "MDACMD"
    )

    /// The later block's recipient, full of shell-special characters (the fixture shows it with `:raw`).
    static let specialRecipient = FormatContext.Address(user: "us{e}r|x?y`z$w~!#%&*'", domain: "Example.org")

    /// `Tests/Fixtures/formats-6.8.txt`, found from this file's own path.
    static let fixturePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/formats-6.8.txt").path

    /// All cases in file order. The fixture restarts with `%{rcpt}` when the probe switches to the special
    /// recipient, so every line from the second `%{rcpt}` on uses it.
    static let all: [FormatFixtureCase] = {
        let text = (try? String(contentsOfFile: fixturePath, encoding: .utf8)) ?? ""
        var cases: [FormatFixtureCase] = []
        var rcptLinesSeen = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var context = envelope
            if line.hasPrefix("%{rcpt} ") { rcptLinesSeen += 1 }
            if rcptLinesSeen >= 2 { context.rcpt = specialRecipient }
            if let parsed = parse(String(line)) {
                cases.append(
                    FormatFixtureCase(line: index + 1, input: parsed.input, outcome: parsed.outcome, context: context)
                )
            } else if let input = crashInput(String(line)) {
                context.mdaCommand = nil
                cases.append(FormatFixtureCase(line: index + 1, input: input, outcome: .crashed, context: context))
            }
        }
        return cases
    }()

    private static func parse(_ line: String) -> (input: String, outcome: Outcome)? {
        guard let arrow = line.range(of: " -> r=") else { return nil }
        let input = String(line[..<arrow.lowerBound].reversed().drop { $0 == " " }.reversed())
        let rest = line[arrow.upperBound...]
        guard let open = rest.firstIndex(of: "["), let close = rest.lastIndex(of: "]"),
            let code = Int(rest[..<open].trimmingSuffix(" "))
        else { return nil }
        let buffer = String(rest[rest.index(after: open)..<close])
        switch code {
        case -1: return (input, .error)
        case 0: return (input, .unexpanded)
        default:
            precondition(buffer.utf8.count == code, "fixture line disagrees with itself: \(line)")
            return (input, .expanded(buffer))
        }
    }

    private static func crashInput(_ line: String) -> String? {
        guard line.contains("Segmentation fault"), let marker = line.range(of: "NOMDA=1 ./h '") else { return nil }
        let tail = line[marker.upperBound...]
        guard let quote = tail.lastIndex(of: "'") else { return nil }
        return String(tail[..<quote])
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result = result.dropLast() }
        return result
    }
}
