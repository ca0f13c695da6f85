import Foundation

/// Runs a program to completion with a time limit and returns what it printed.
struct ProcessResult {
    var status: Int32
    var output: String
    var error: String
}

enum ProcessRunner {
    static func run(_ executable: String, _ arguments: [String], input: String? = nil,
        environment: [String: String]? = nil, timeout: TimeInterval = 60) throws -> ProcessResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try standardInput.fileHandleForWriting.close()
        // Read both pipes while the process runs, so that a chatty program cannot block on a full pipe.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (error, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isError: isError)
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        group.wait()
        return ProcessResult(status: process.terminationStatus, output: collected.output, error: collected.error)
    }

    /// SIGTERM, then SIGKILL if the process is still there after `grace` seconds.
    static func stop(_ process: Process, grace: TimeInterval = 10) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// `python3 -c SCRIPT ARGUMENTS…`.
    static func python(_ script: String, _ arguments: [String] = [], timeout: TimeInterval = 60) throws -> ProcessResult {
        try run(ExternalTool.path("python3") ?? "/usr/bin/python3", ["-c", script] + arguments, timeout: timeout)
    }
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var outputData = Data()
    private var errorData = Data()

    func set(_ data: Data, isError: Bool) {
        lock.lock()
        if isError { errorData = data } else { outputData = data }
        lock.unlock()
    }

    var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outputData, as: UTF8.self) }
    var error: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errorData, as: UTF8.self) }
}
