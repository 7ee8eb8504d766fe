import Foundation

/// A child process for tests (nginx), stopped with SIGTERM and reaped.
public final class TestProcess: @unchecked Sendable {
    // @unchecked: Process is only touched from the test that owns this object.
    private let process = Process()
    public let output: URL

    public init(executable: String, arguments: [String], logFile: URL) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        output = logFile
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL after 5 s: a child inherits the signal mask of the thread that
    /// started it, and the test runner's threads block SIGTERM, so a child that does not
    /// unblock it itself (nginx does, a Python script does not) would never stop.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    public var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
}
