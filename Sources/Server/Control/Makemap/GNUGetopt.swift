#if canImport(Glibc)
import Glibc
#endif

/// Short options read as glibc's getopt(3) reads them for OpenSMTPD's makemap: options and operands may be
/// mixed (operands are moved to the end unless POSIXLY_CORRECT is set), `--` ends the options, and a bad
/// option is reported with glibc's own words, prefixed by argv[0] as given.
struct GNUGetopt {
    enum Outcome {
        case parsed(options: [(letter: Character, argument: String?)], operands: [String])
        /// The message already written; the caller prints its usage.
        case invalid
    }

    /// - Parameter specification: getopt's option string (`"b:C:d:ho:O:t:U"`).
    static func parse(_ arguments: [String], specification: String, programPath: String) -> Outcome {
        var takesArgument: [Character: Bool] = [:]
        let letters = Array(specification)
        for (index, letter) in letters.enumerated() where letter != ":" {
            takesArgument[letter] = index + 1 < letters.count && letters[index + 1] == ":"
        }
        let stopAtOperand = getenv("POSIXLY_CORRECT") != nil
        var options: [(letter: Character, argument: String?)] = []
        var operands: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                operands += arguments[index...]
                break
            }
            guard word.hasPrefix("-"), word.count > 1 else {
                operands.append(word)
                if stopAtOperand {
                    operands += arguments[index...]
                    break
                }
                continue
            }
            var cluster = Substring(word.dropFirst())
            while let letter = cluster.first {
                cluster = cluster.dropFirst()
                guard let needsArgument = takesArgument[letter] else {
                    StandardError.write("\(programPath): invalid option -- '\(letter)'")
                    return .invalid
                }
                guard needsArgument else {
                    options.append((letter, nil))
                    continue
                }
                if !cluster.isEmpty {
                    options.append((letter, String(cluster)))
                } else if index < arguments.count {
                    options.append((letter, arguments[index]))
                    index += 1
                } else {
                    StandardError.write("\(programPath): option requires an argument -- '\(letter)'")
                    return .invalid
                }
                break
            }
        }
        return .parsed(options: options, operands: operands)
    }
}
