import Foundation

/// Where the built `smtpd` and `smtpctl` are: `TERN_SMTPD` (scripts/test.sh sets it), else beside the test
/// bundle, else the package's .build/debug.
enum TernBinaries {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binDirectory: URL {
        if let smtpd = ProcessInfo.processInfo.environment["TERN_SMTPD"] {
            return URL(fileURLWithPath: smtpd).deletingLastPathComponent()
        }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if FileManager.default.isExecutableFile(atPath: besideTests.appendingPathComponent("smtpd").path) {
            return besideTests
        }
        return packageRoot.appendingPathComponent(".build/debug")
    }

    static var smtpd: String { binDirectory.appendingPathComponent("smtpd").path }
    static var smtpctl: String { binDirectory.appendingPathComponent("smtpctl").path }
}

/// External programs the end-to-end tests drive. scripts/test.sh installs them and sets
/// TERN_REQUIRE_OPENSMTPD=1, after which a missing tool fails the test instead of skipping it.
enum ExternalTool {
    static let isRequired = ProcessInfo.processInfo.environment["TERN_REQUIRE_OPENSMTPD"] == "1"

    static func path(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether tests needing `names` can run, or must run (and then fail on what is missing).
    static func available(_ names: String...) -> Bool {
        isRequired || names.allSatisfy { path($0) != nil }
    }

    static var isRoot: Bool { getuid() == 0 }
}
