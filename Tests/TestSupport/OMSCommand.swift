import Foundation
import Testing

/// The built `oms` executable, run as a child process.
public enum OMSCommand {
    public static var binary: String? {
        if let path = ProcessInfo.processInfo.environment["OMS_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.appendingPathComponent(".build/debug/oms").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    public static func require() throws -> String {
        guard let binary else {
            Issue.record("the oms executable was not found: run `swift build` first (scripts/test.sh does) or set OMS_BINARY")
            throw CancellationError()
        }
        return binary
    }

    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let error: String
    }

    /// Runs to completion. The waiting happens on a thread of its own, never on the
    /// cooperative pool: a child that calls back into a server of this test process (the
    /// conformance suite against an in-process verifier) would otherwise wait for a thread
    /// that is busy waiting for it.
    ///
    /// A child still running after `timeout` is killed, and its result says so (status 137):
    /// a hung command fails its test instead of the whole run.
    /// `directory`: the working directory of the command (this process's by default).
    public static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil, timeout: Duration = .seconds(180)) async throws -> Result {
        let binary = try require()
        return try await OffPool.run { try runBlocking(binary, arguments, environment, directory, timeout) }
    }

    private static func runBlocking(_ binary: String, _ arguments: [String], _ environment: [String: String], _ directory: String?, _ timeout: Duration) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("stdout").path, error = folder.appendingPathComponent("stderr").path
        let process = try SpawnedProcess(
            [binary] + arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, directory: directory,
            output: output, error: error
        )
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(timeout.components.seconds)), execute: watchdog)
        defer { watchdog.cancel() }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "",
            error: (try? String(contentsOfFile: error, encoding: .utf8)) ?? ""
        )
    }

    /// Starts a long-running role; output goes to `log`. `environment` adds to this process's.
    public static func start(_ arguments: [String], log: URL, environment: [String: String] = [:]) throws -> SpawnedProcess {
        try SpawnedProcess(
            [try require()] + arguments, environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
            output: log.path
        )
    }

    /// Sends SIGTERM and waits up to 10 s for the process to exit; false when it is still running.
    public static func terminate(_ process: SpawnedProcess) async throws -> Bool {
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return !process.isRunning
    }
}
