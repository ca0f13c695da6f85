#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A table file read with one version's rules: its type and its entries as ranges of the file's bytes.
struct TableFileReading {
    var kind: TableContents.Kind
    var records: [TableEntryRecord]
    var warnings: [String]
}

/// The result of reading a whole table file with one version's rules.
enum TableFilePassOutcome {
    case loaded(TableFileReading)
    /// The file is invalid because of `line`. `hashDecidedOnLine` is the line that made the file a mapping,
    /// for explaining a missing value.
    case malformed(line: Int, problem: TableLineProblem, hashDecidedOnLine: Int?)
}

/// How a second version's rules, run over the same lines, compare with the first's.
enum TableFileShadowVerdict: Equatable {
    /// Every line reads the same, so the contents are the same.
    case agrees
    /// Both accept the lines seen so far, but from `firstLine` on they read them differently.
    case differs(firstLine: Int)
    /// The second version rejects the file at `line`.
    case rejects(line: Int)
    /// The first version failed before the end, so the comparison is incomplete.
    case unknown
}

/// One pass over a table file: trims lines, reads them with a version's rules and collects the entries.
///
/// Optionally a second version's rules read each line alongside. Comparing line readings (byte ranges) costs
/// almost nothing, so the common case, where both versions agree, needs no second pass to build contents.
/// The pass only records byte ranges; `TableContents` are built from them afterwards, over the file's buffer.
enum TableFilePass {
    static func read<Rules: TableLineRules, Shadow: TableLineRules>(
        _ bytes: UnsafeBufferPointer<UInt8>,
        path: String,
        rules: Rules,
        shadow: Shadow?
    ) -> (outcome: TableFilePassOutcome, shadow: TableFileShadowVerdict) {
        var rules = rules
        var shadowRules = shadow
        var verdict: TableFileShadowVerdict = .agrees
        var builder = TableContentsBuilder(bytes: bytes, expectedCount: lineCount(bytes))
        var cursor = TableFileLineCursor(bytes)
        var hashDecidedOnLine: Int?
        var firstNULLine: Int?
        var nulLineCount = 0

        while let line = cursor.next() {
            if line.hadNUL {
                if firstNULLine == nil { firstNULLine = line.number }
                nulLineCount += 1
            }
            guard let text = line.text else { continue }

            let kindBefore = rules.kind
            let reading = rules.read(text, in: bytes)
            if kindBefore == nil && rules.kind == .hash { hashDecidedOnLine = line.number }

            if verdict == .agrees || isDiffering(verdict), var other = shadowRules {
                let otherReading = other.read(text, in: bytes)
                shadowRules = other
                if case .malformed = otherReading {
                    verdict = .rejects(line: line.number)
                } else if verdict == .agrees && otherReading != reading {
                    verdict = .differs(firstLine: line.number)
                }
            }

            switch reading {
            case .nothing:
                continue
            case .entry(let key, let value):
                builder.add(key: key, value: value, line: line.number)
            case .malformed(let problem):
                let outcome = TableFilePassOutcome.malformed(
                    line: line.number,
                    problem: problem,
                    hashDecidedOnLine: hashDecidedOnLine
                )
                if shadowRules == nil { return (outcome, .agrees) }
                if case .rejects = verdict { return (outcome, verdict) }
                return (outcome, .unknown)
            }
        }

        if verdict == .agrees, let other = shadowRules, (other.kind ?? .hash) != (rules.kind ?? .hash) {
            verdict = .differs(firstLine: 1)
        }
        var warnings = builder.warnings(path: path)
        if let line = firstNULLine {
            let more = nulLineCount > 1 ? " (and \(nulLineCount - 1) more)" : ""
            warnings.append("\(path): line \(line)\(more) contains a NUL byte, which ends the line, as in OpenSMTPD")
        }
        // OpenSMTPD: "Accept empty alias files; treat them as hashes".
        let reading = TableFileReading(kind: rules.kind ?? .hash, records: builder.records, warnings: warnings)
        return (.loaded(reading), verdict)
    }

    private static func isDiffering(_ verdict: TableFileShadowVerdict) -> Bool {
        if case .differs = verdict { return true }
        return false
    }

    /// The number of lines, to size the record array once.
    private static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var count = 0
        var position = 0
        while position < bytes.count,
            let newline = memchr(base + position, Int32(CByteClass.newline), bytes.count - position)
        {
            count += 1
            position = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return count + 1
    }
}
