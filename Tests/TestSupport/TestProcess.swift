import Foundation

/// A child process for tests (nginx), stopped with SIGTERM and reaped.
public final class TestProcess: Sendable {
    private let process: SpawnedProcess
    public let output: URL

    public init(executable: String, arguments: [String], logFile: URL) throws {
        output = logFile
        process = try SpawnedProcess([executable] + arguments, output: logFile.path)
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
