/// Loads `static`/`file` tables: text files in table(5) format, at parse time as OpenSMTPD does.
///
/// Tern accepts what OpenSMTPD 6.8 or 7.x accepts:
/// - if 6.8 accepts the file, Tern reads it as 6.8 does (and reports 7.x's reading when it differs, see
///   `TableLoadResult.openSMTPD7Contents`);
/// - if only 7.x accepts it, Tern reads it as 7.x does and warns;
/// - if neither does, the error carries 6.8's exact log lines.
///
/// - SeeAlso: smtpd-conf.md §3.1 and §7.
public enum StaticTableFile {
    /// Reads and loads the table file at `path`.
    /// - Parameter path: The path as written in smtpd.conf; it also prefixes every message.
    /// - Returns: The contents and any warnings.
    /// - Throws: `TableLoadError` when the file cannot be read or neither OpenSMTPD version accepts it.
    public static func load(path: String) throws(TableLoadError) -> TableLoadResult {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path: path)
        } catch {
            throw TableLoadError(
                logLines: ["\(path): \(error.call): \(error.message)"],
                path: path,
                reason: "cannot \(error.call == .open ? "open" : "read") the file: \(error.message)"
            )
        }
        // Handing the only reference over lets the table keep the file's buffer without copying it.
        return try parse(owning: bytes, path: path)
    }

    /// Loads a table file's bytes.
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - path: The file's path, for messages.
    /// - Returns: The contents and any warnings.
    /// - Throws: `TableLoadError` when neither OpenSMTPD version accepts the file.
    public static func parse(_ bytes: some Collection<UInt8>, path: String) throws(TableLoadError) -> TableLoadResult {
        try parse(owning: bytes as? [UInt8] ?? Array(bytes), path: path)
    }

    /// Loads a file's bytes, keeping `bytes` as the table's storage (its keys are lowercased in place, after a
    /// copy if the array is shared).
    static func parse(owning bytes: consuming [UInt8], path: String) throws(TableLoadError) -> TableLoadResult {
        guard bytes.count <= TableEntryRecord.maximumBufferSize else {
            throw TableLoadError(logLines: [], path: path, reason: "Tern cannot load table files of 4 GiB or more")
        }
        let outcome = bytes.withUnsafeBufferPointer { read(buffer: $0, path: path) }
        switch outcome {
        case .failure(let error):
            throw error
        case .success(let plan):
            return plan.result(owning: bytes)
        }
    }

    /// What reading the file decided, before any `TableContents` is built from it.
    private struct Plan {
        var reading: TableFileReading
        var warnings: [String]
        var rules: TableFileRules
        /// 7.x's reading when it may differ from `reading`, with the warning to give if it really does.
        var alternative: (reading: TableFileReading, warning: String)?

        consuming func result(owning bytes: consuming [UInt8]) -> TableLoadResult {
            var warnings = warnings
            var contents7: TableContents?
            if let alternative {
                // Built on a copy: each reading lowercases its own keys, which may be the other's values.
                let copy = bytes
                let candidate = TableContents(
                    kind: alternative.reading.kind,
                    storage: TableStorage(bytes: copy, records: alternative.reading.records, lowercasingKeys: true)
                )
                contents7 = candidate
                warnings.append(alternative.warning)
            }
            let contents = TableContents(
                kind: reading.kind,
                storage: TableStorage(bytes: bytes, records: reading.records, lowercasingKeys: true)
            )
            // Lines can read differently yet end up the same, when a later duplicate replaces them.
            if let candidate = contents7, candidate == contents {
                contents7 = nil
                warnings.removeLast()
            }
            return TableLoadResult(contents: contents, warnings: warnings, rules: rules, openSMTPD7Contents: contents7)
        }
    }

    private static func read(buffer: UnsafeBufferPointer<UInt8>, path: String) -> Result<Plan, TableLoadError> {
        let (outcome68, verdict7) = TableFilePass.read(
            buffer,
            path: path,
            rules: OpenSMTPD68LineRules(),
            shadow: OpenSMTPD7LineRules()
        )

        switch outcome68 {
        case .loaded(let reading):
            var plan = Plan(reading: reading, warnings: reading.warnings, rules: .openSMTPD68)
            switch verdict7 {
            case .agrees, .unknown:
                break
            case .rejects(let line):
                plan.warnings.append("\(path): OpenSMTPD 7.x rejects this file (\(path):\(line) invalid map entry)")
            case .differs(let line):
                let (outcome7, _) = TableFilePass.read(
                    buffer,
                    path: path,
                    rules: OpenSMTPD7LineRules(),
                    shadow: OpenSMTPD68LineRules?.none
                )
                if case .loaded(let reading7) = outcome7 {
                    let warning =
                        "\(path): OpenSMTPD 7.x reads this file differently from line \(line) on; "
                        + "Tern reads it as OpenSMTPD 6.8 does"
                    plan.alternative = (reading7, warning)
                }
            }
            return .success(plan)

        case .malformed(let line, let problem, let hashLine):
            let error = TableLoadError(
                logLines: ["\(path): invalid map entry line \(line)"],
                path: path,
                line: line,
                reason: explanation(of: problem, line: line, hashDecidedOnLine: hashLine)
            )
            if case .rejects = verdict7 { return .failure(error) }
            let (outcome7, _) = TableFilePass.read(
                buffer,
                path: path,
                rules: OpenSMTPD7LineRules(),
                shadow: OpenSMTPD68LineRules?.none
            )
            guard case .loaded(let reading7) = outcome7 else { return .failure(error) }
            let warning =
                "\(path): OpenSMTPD 6.8 rejects this file (invalid map entry line \(line)); "
                + "read with OpenSMTPD 7.x rules"
            return .success(Plan(reading: reading7, warnings: [warning] + reading7.warnings, rules: .openSMTPD7))
        }
    }

    /// Tern's explanation of a 6.8 failure.
    private static func explanation(of problem: TableLineProblem, line: Int, hashDecidedOnLine: Int?) -> String {
        switch problem {
        case .unclosedBracket:
            return "line \(line) starts a [bracketed] key with no closing ]"
        case .noValue:
            guard let hashLine = hashDecidedOnLine, hashLine != line else {
                return "line \(line) has a key but no value"
            }
            return "line \(line) has a key but no value; the file is a mapping because its first entry (line "
                + "\(hashLine)) contains a space, a tab or ':' (put \"# @list\" first to make it a list)"
        }
    }
}
